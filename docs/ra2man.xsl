<?xml version="1.0"?>
<!-- OCF resource-agent metadata to a man(7) page for ocf:lifeboat:AGENT. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:param name="provider" select="'lifeboat'"/>

  <xsl:template name="esc">
    <xsl:param name="s"/>
    <xsl:value-of select="translate(normalize-space($s), '\', '/')"/>
  </xsl:template>

  <xsl:template match="/resource-agent">
    <xsl:text>.TH OCF_</xsl:text><xsl:value-of select="translate($provider, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/>
    <xsl:text>_</xsl:text><xsl:value-of select="@name"/>
    <xsl:text> 7 "" "lifeboat </xsl:text><xsl:value-of select="@version"/><xsl:text>" "OCF resource agents"&#10;</xsl:text>
    <xsl:text>.SH NAME&#10;ocf:</xsl:text><xsl:value-of select="$provider"/><xsl:text>:</xsl:text>
    <xsl:value-of select="@name"/><xsl:text> \- </xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="shortdesc"/></xsl:call-template>
    <xsl:text>&#10;.SH SYNOPSIS&#10;.B pcs resource create&#10;.I name&#10;.B ocf:</xsl:text>
    <xsl:value-of select="$provider"/><xsl:text>:</xsl:text><xsl:value-of select="@name"/>
    <xsl:for-each select="parameters/parameter[@required='1']">
      <xsl:text>&#10;.IR </xsl:text><xsl:value-of select="@name"/><xsl:text> = value</xsl:text>
    </xsl:for-each>
    <xsl:text>&#10;.RI [ param = value ...]&#10;.SH DESCRIPTION&#10;</xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="longdesc"/></xsl:call-template>
    <xsl:text>&#10;.SH PARAMETERS&#10;</xsl:text>
    <xsl:apply-templates select="parameters/parameter"/>
    <xsl:text>.SH ACTIONS&#10;</xsl:text>
    <xsl:apply-templates select="actions/action"/>
    <xsl:text>.SH SEE ALSO&#10;crm_resource(8), pcs(8), crm_simulate(8)&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="parameter">
    <xsl:text>.TP&#10;.BR </xsl:text><xsl:value-of select="@name"/>
    <xsl:text> " (</xsl:text><xsl:value-of select="content/@type"/>
    <xsl:if test="@required='1'">, required</xsl:if>
    <xsl:if test="@unique='1'">, unique</xsl:if>
    <xsl:if test="string(content/@default) != ''">
      <xsl:text>, default: </xsl:text><xsl:value-of select="content/@default"/>
    </xsl:if>
    <xsl:text>)"&#10;</xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="longdesc"/></xsl:call-template>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="action">
    <xsl:text>.TP&#10;.B </xsl:text><xsl:value-of select="@name"/><xsl:text>&#10;timeout </xsl:text>
    <xsl:value-of select="@timeout"/>
    <xsl:if test="@interval"><xsl:text>, interval </xsl:text><xsl:value-of select="@interval"/></xsl:if>
    <xsl:if test="@depth"><xsl:text>, depth </xsl:text><xsl:value-of select="@depth"/></xsl:if>
    <xsl:if test="@role"><xsl:text>, role </xsl:text><xsl:value-of select="@role"/></xsl:if>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>
</xsl:stylesheet>
