/* lifeboat domxml: the few facts agents read from a libvirt domain XML, with no XML library. */
#ifndef LIFEBOAT_DOMXML_H
#define LIFEBOAT_DOMXML_H

/**
 * The <name> that is a direct child of <domain> in @xml, unescaped and trimmed,
 * as a new string; NULL when there is none.
 */
char *lb_domxml_name(const char *xml);

/** Read a whole (text) file of at most 16 MiB into a new string; NULL on error (errno set). */
char *lb_read_file(const char *path);

#endif
