<?xml version="1.0"?>
<!-- fence-agents metadata (metadata.rng) to a man(8) page for a lifeboat fence agent. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:param name="version" select="''"/>

  <xsl:template name="esc">
    <xsl:param name="s"/>
    <xsl:value-of select="translate(normalize-space($s), '\', '/')"/>
  </xsl:template>

  <xsl:template match="/resource-agent">
    <xsl:text>.TH </xsl:text>
    <xsl:value-of select="translate(@name, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/>
    <xsl:text> 8 "" "lifeboat </xsl:text><xsl:value-of select="$version"/>
    <xsl:text>" "Fence agents"&#10;.SH NAME&#10;</xsl:text>
    <xsl:value-of select="@name"/><xsl:text> \- </xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="@shortdesc"/></xsl:call-template>
    <xsl:text>&#10;.SH SYNOPSIS&#10;.B </xsl:text><xsl:value-of select="@name"/>
    <xsl:text>&#10;.RI [ OPTIONS ]&#10;.br&#10;.B </xsl:text><xsl:value-of select="@name"/>
    <xsl:text>&#10;&lt; &#10;.I key=value lines&#10;.SH DESCRIPTION&#10;</xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="longdesc"/></xsl:call-template>
    <xsl:text>&#10;.PP&#10;With no arguments the options are read from standard input, one&#10;</xsl:text>
    <xsl:text>.I name=value&#10;per line (as pacemaker-fenced passes them); names may be </xsl:text>
    <xsl:text>spelt with '-' or '_'. Otherwise they are command-line options as below.</xsl:text>
    <xsl:text>&#10;.SH OPTIONS&#10;</xsl:text>
    <xsl:apply-templates select="parameters/parameter[not(@deprecated='1')]"/>
    <xsl:text>.SH ACTIONS&#10;</xsl:text>
    <xsl:apply-templates select="actions/action"/>
    <xsl:text>.SH EXIT STATUS&#10;.TP&#10;.B 0&#10;Success; for status: the plug is on.</xsl:text>
    <xsl:text>&#10;.TP&#10;.B 1&#10;Failure (the reason is on standard error).</xsl:text>
    <xsl:text>&#10;.TP&#10;.B 2&#10;For status: the plug is off.&#10;</xsl:text>
    <xsl:text>.SH SEE ALSO&#10;stonith_admin(8), pcs(8), pacemaker-fenced(7)&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="parameter">
    <xsl:text>.TP&#10;.B "</xsl:text><xsl:value-of select="getopt/@mixed"/><xsl:text>"&#10;</xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="s" select="shortdesc"/></xsl:call-template>
    <xsl:text> (stdin: </xsl:text><xsl:value-of select="@name"/>
    <xsl:if test="@obsoletes"><xsl:text>, or </xsl:text><xsl:value-of select="@obsoletes"/></xsl:if>
    <xsl:if test="@required='1'">; required</xsl:if>
    <xsl:if test="string(content/@default) != ''">
      <xsl:text>; default: </xsl:text><xsl:value-of select="content/@default"/>
    </xsl:if>
    <xsl:text>)&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="action">
    <xsl:text>.TP&#10;.B </xsl:text><xsl:value-of select="@name"/><xsl:text>&#10;</xsl:text>
    <xsl:if test="@automatic='1'">Run by Pacemaker on its own (unfencing).&#10;</xsl:if>
  </xsl:template>
</xsl:stylesheet>
