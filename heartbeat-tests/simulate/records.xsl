<?xml version="1.0"?>
<!--
  crm_simulate output as XML (output-as=xml, Pacemaker 2.1) -> one line per fact, for grep/awk:

    N0|N1 NODE online=BOOL unclean=BOOL shutdown=BOOL TYPE   nodes before / after
    S0|S1 RSC ROLE NODE failed=BOOL blocked=BOOL            active resource instances
                                                             before / after (RSC without
                                                             its clone suffix)
    F NODE OP                        "Transition Summary": a fencing (Fence (OP) NODE)
    A ACTION RSC ROLE NEXT-ROLE NODE SOURCE DEST             "Transition Summary": a
                                     resource action (start, stop, move, migrate, promote,
                                     demote, recover, restart, ...); "-" where none
    TF NODE OP                       "Executing Cluster Transition": fencing executed
    T RSC OP NODE INTERVAL           ... a resource operation executed (INTERVAL
                                     "-": a one-shot operation; a monitor with "-" is a probe)
    TC TASK NODE                     ... a cluster action (do_shutdown, clear_failcount)
    TP TASK                          ... a pseudo action
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>

  <xsl:template name="v">
    <xsl:param name="x"/>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="string($x) != ''"><xsl:value-of select="$x"/></xsl:when>
      <xsl:otherwise>-</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="status">
    <xsl:param name="s"/>
    <xsl:param name="tag"/>
    <xsl:for-each select="$s/nodes/node">
      <xsl:value-of select="concat('N', $tag, ' ', @name, ' online=', @online, ' unclean=', @unclean,
                                   ' shutdown=', @shutdown, ' ', @type, '&#10;')"/>
    </xsl:for-each>
    <xsl:for-each select="$s/resources//resource[@active = 'true']/node">
      <xsl:value-of select="concat('S', $tag, ' ', ../@id, ' ', ../@role, ' ', @name,
                                   ' failed=', ../@failed, ' blocked=', ../@blocked, '&#10;')"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="/pacemaker-result">
    <xsl:call-template name="status">
      <xsl:with-param name="s" select="cluster_status"/>
      <xsl:with-param name="tag">0</xsl:with-param>
    </xsl:call-template>
    <xsl:for-each select="actions/node_action[starts-with(@task, 'Fence')]">
      <xsl:value-of select="concat('F ', @node, ' ',
                                   substring-before(substring-after(@task, '('), ')'), '&#10;')"/>
    </xsl:for-each>
    <xsl:for-each select="actions/rsc_action">
      <xsl:text>A</xsl:text>
      <xsl:call-template name="v"><xsl:with-param name="x" select="@action"/></xsl:call-template>
      <xsl:call-template name="v">
        <xsl:with-param name="x" select="substring-before(concat(@resource, ':'), ':')"/>
      </xsl:call-template>
      <xsl:call-template name="v"><xsl:with-param name="x" select="@role"/></xsl:call-template>
      <xsl:call-template name="v"><xsl:with-param name="x" select="@next-role"/></xsl:call-template>
      <xsl:call-template name="v"><xsl:with-param name="x" select="@node"/></xsl:call-template>
      <xsl:call-template name="v"><xsl:with-param name="x" select="@source"/></xsl:call-template>
      <xsl:call-template name="v"><xsl:with-param name="x" select="@dest"/></xsl:call-template>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
    <xsl:for-each select="transition/*">
      <xsl:choose>
        <xsl:when test="self::fencing_action">
          <xsl:value-of select="concat('TF ', @target, ' ', @op, '&#10;')"/>
        </xsl:when>
        <xsl:when test="self::rsc_action">
          <xsl:text>T</xsl:text>
          <xsl:call-template name="v">
            <xsl:with-param name="x" select="substring-before(concat(@resource, ':'), ':')"/>
          </xsl:call-template>
          <xsl:call-template name="v"><xsl:with-param name="x" select="@op"/></xsl:call-template>
          <xsl:call-template name="v"><xsl:with-param name="x" select="@node"/></xsl:call-template>
          <xsl:call-template name="v"><xsl:with-param name="x" select="@interval"/></xsl:call-template>
          <xsl:text>&#10;</xsl:text>
        </xsl:when>
        <xsl:when test="self::cluster_action">
          <xsl:value-of select="concat('TC ', @task, ' ', @node, '&#10;')"/>
        </xsl:when>
        <xsl:when test="self::pseudo_action">
          <xsl:value-of select="concat('TP ', @task, '&#10;')"/>
        </xsl:when>
      </xsl:choose>
    </xsl:for-each>
    <xsl:call-template name="status">
      <xsl:with-param name="s" select="revised_cluster_status"/>
      <xsl:with-param name="tag">1</xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
