/*
 * lifeboat metadata: the OCF 1.1 resource-agent XML, generated from an agent's
 * parameter and action tables. Valid against ra-api-1.dtd as long as no
 * parameter uses the OCF 1.1-only attributes (reloadable, unique-group).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lifeboat/meta.h"

void
lb_xml_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
            break;
        }
    }
}

static const char *
lb_content_type(enum lb_param_type t)
{
    switch (t) {
    case LB_PARAM_BOOLEAN:
        return "boolean";
    case LB_PARAM_INTEGER:
        return "integer";
    default:
        return "string"; /* ra-api-1.dtd has no "select": enums are strings */
    }
}

static void
lb_meta_desc(FILE *out, const char *indent, const char *longdesc, const char *shortdesc)
{
    fprintf(out, "%s<longdesc lang=\"en\">\n", indent);
    lb_xml_escape(out, longdesc ? longdesc : shortdesc);
    fprintf(out, "\n%s</longdesc>\n%s<shortdesc lang=\"en\">", indent, indent);
    lb_xml_escape(out, shortdesc);
    fputs("</shortdesc>\n", out);
}

/* The long description, with the allowed values and the range appended. */
static void
lb_meta_param_longdesc(FILE *out, const struct lb_param *p)
{
    fputs("    <longdesc lang=\"en\">\n", out);
    lb_xml_escape(out, p->longdesc ? p->longdesc : p->shortdesc);
    if (p->type == LB_PARAM_ENUM && p->values) {
        fputs(" Allowed values:", out);
        for (int i = 0; p->values[i]; i++) {
            fputs(i ? ", " : " ", out);
            lb_xml_escape(out, p->values[i]);
        }
        fputc('.', out);
    }
    if (p->type == LB_PARAM_INTEGER && p->min < p->max) {
        fprintf(out, " Range: %ld to %ld.", p->min, p->max);
    }
    if (p->unsupported) {
        fputs(" Not supported by lifeboat yet: ", out);
        lb_xml_escape(out, p->unsupported);
    }
    fputs("\n    </longdesc>\n    <shortdesc lang=\"en\">", out);
    lb_xml_escape(out, p->shortdesc);
    fputs("</shortdesc>\n", out);
}

static void
lb_meta_param(FILE *out, const struct lb_param *p)
{
    fputs("  <parameter name=\"", out);
    lb_xml_escape(out, p->name);
    fprintf(out, "\" unique=\"%d\" required=\"%d\"", p->unique ? 1 : 0, p->required ? 1 : 0);
    if (p->unique_group) {
        fputs(" unique-group=\"", out);
        lb_xml_escape(out, p->unique_group);
        fputc('"', out);
    }
    if (p->reloadable) {
        fputs(" reloadable=\"1\"", out);
    }
    fputs(">\n", out);
    lb_meta_param_longdesc(out, p);
    fprintf(out, "    <content type=\"%s\"", lb_content_type(p->type));
    if (p->dflt) {
        fputs(" default=\"", out);
        lb_xml_escape(out, p->dflt);
        fputc('"', out);
    }
    fputs(" />\n  </parameter>\n", out);
}

static void
lb_meta_action(FILE *out, const struct lb_action *a)
{
    fprintf(out, "  <action name=\"%s\" timeout=\"%s\"", a->name, a->timeout ? a->timeout : "20s");
    if (a->interval) {
        fprintf(out, " interval=\"%s\"", a->interval);
    }
    if (a->role) {
        fprintf(out, " role=\"%s\"", a->role);
    }
    if (!strcmp(a->name, "monitor") || !strcmp(a->name, "status")) {
        fprintf(out, " depth=\"%d\"", a->depth);
    }
    fputs(" />\n", out);
}

static bool
lb_has_action(const struct lb_agent *agent, const char *name)
{
    for (const struct lb_action *a = agent->actions; a->name; a++) {
        if (!strcmp(a->name, name)) {
            return true;
        }
    }
    return false;
}

int
lb_meta_print(const struct lb_agent *agent, FILE *out)
{
    static const struct lb_action generic[] = {
        {.name = "meta-data", .timeout = "5s"},
        {.name = "validate-all", .timeout = "20s"},
        {.name = NULL},
    };

    fputs("<?xml version=\"1.0\"?>\n"
          "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n",
          out);
    fprintf(out, "<resource-agent name=\"%s\" version=\"%s\">\n<version>1.1</version>\n",
            agent->name, agent->version ? agent->version : PACKAGE_VERSION);
    lb_meta_desc(out, "", agent->longdesc, agent->shortdesc);
    fputs("<parameters>\n", out);
    for (const struct lb_param *p = agent->params; p && p->name; p++) {
        lb_meta_param(out, p);
    }
    fputs("</parameters>\n<actions>\n", out);
    for (const struct lb_action *a = agent->actions; a->name; a++) {
        lb_meta_action(out, a);
    }
    for (const struct lb_action *a = generic; a->name; a++) {
        if (!lb_has_action(agent, a->name)) {
            lb_meta_action(out, a);
        }
    }
    fputs("</actions>\n</resource-agent>\n", out);
    return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}

void
lb_usage_print(const struct lb_agent *agent, FILE *out)
{
    fprintf(out, "usage: %s {", agent->name);
    for (const struct lb_action *a = agent->actions; a->name; a++) {
        fprintf(out, "%s|", a->name);
    }
    fputs("meta-data|validate-all|usage}\n", out);
    fprintf(out,
            "\n%s: %s\nThe parameters come from OCF_RESKEY_* environment variables; "
            "run '%s meta-data' for the list.\n",
            agent->name, agent->shortdesc, agent->name);
}
