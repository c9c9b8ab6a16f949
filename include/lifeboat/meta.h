/* lifeboat metadata: OCF 1.1 resource-agent XML generated from an agent's tables. */
#ifndef LIFEBOAT_META_H
#define LIFEBOAT_META_H

#include <stdio.h>
#include "lifeboat/ocf.h"

/** Print the OCF 1.1 metadata of @agent to @out. Returns 0 or -errno. */
int lb_meta_print(const struct lb_agent *agent, FILE *out);

/** Write @s to @out with the XML special characters (< > & ") escaped. */
void lb_xml_escape(FILE *out, const char *s);

/** Print the usage line of @agent to @out. */
void lb_usage_print(const struct lb_agent *agent, FILE *out);

#endif
