/*
 * lifeboat INI reader: one value out of an oslo.config style file (nova.conf),
 * the way oslo.config reads it.
 */
#ifndef LIFEBOAT_INI_H
#define LIFEBOAT_INI_H

/**
 * Value of @key in [@section] of the INI file @path, as oslo.config parses it:
 * "key = value" or "key: value", '#' and ';' comment lines, indented lines
 * continuing the previous value (joined with '\n'), one pair of matching
 * quotes removed, the last occurrence winning. Returns 0 with *@value set
 * (free it), -ENXIO when the file does not set it, or -errno when it cannot
 * be read.
 */
int lb_ini_get(const char *path, const char *section, const char *key, char **value);

#endif
