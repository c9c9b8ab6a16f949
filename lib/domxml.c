/*
 * lifeboat domxml: find the domain name in a libvirt domain XML by walking its
 * tags, so both the fast monitor and the full agent read the same name
 * without loading libxml2.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/domxml.h"

/* Skip a comment, processing instruction or declaration starting at @p ('<'). */
static const char *
lb_domxml_skip_special(const char *p)
{
    const char *end;

    if (!strncmp(p, "<!--", 4)) {
        end = strstr(p + 4, "-->");
        return end ? end + 3 : NULL;
    }
    end = strchr(p, '>');
    return end ? end + 1 : NULL;
}

/* Unescape the five predefined entities of @s[0..n) into a new trimmed string. */
static char *
lb_domxml_text(const char *s, size_t n)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    char *out = malloc(n + 1), *o = out;

    while (out && n && strchr(" \t\r\n", s[n - 1])) {
        n--;
    }
    for (size_t i = 0; out && i < n;) {
        size_t k, len = 0;

        for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
            len = strlen(ents[k].ent);
            if (i + len <= n && !strncmp(s + i, ents[k].ent, len)) {
                break;
            }
        }
        if (k < sizeof(ents) / sizeof(ents[0])) {
            *o++ = ents[k].c;
            i += len;
        } else if (o != out || !strchr(" \t\r\n", s[i])) {
            *o++ = s[i++];
        } else {
            i++; /* leading blank */
        }
    }
    if (out) {
        *o = '\0';
    }
    return out;
}

/* Past the opening tag at @p; sets *empty for "<x/>". NULL at end of input. */
static const char *
lb_domxml_tag_end(const char *p, int *empty)
{
    char quote = 0;

    for (; *p; p++) {
        if (quote) {
            quote = *p == quote ? 0 : quote;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '>') {
            *empty = p[-1] == '/';
            return p + 1;
        }
    }
    return NULL;
}

char *
lb_domxml_name(const char *xml)
{
    int depth = 0;

    for (const char *p = xml; p && (p = strchr(p, '<')) != NULL;) {
        int empty = 0;

        if (p[1] == '!' || p[1] == '?') {
            p = lb_domxml_skip_special(p);
            continue;
        }
        if (p[1] == '/') {
            depth--;
            p = strchr(p, '>');
            if (depth <= 0) {
                return NULL; /* </domain> without a name */
            }
            continue;
        }
        if (depth == 0 && strncmp(p, "<domain", 7)) {
            return NULL; /* the root is not <domain> */
        }
        if (depth == 1 && !strncmp(p, "<name", 5) && strchr(" \t\r\n>", p[5])) {
            const char *start = lb_domxml_tag_end(p, &empty), *end;

            if (!start || empty || !(end = strstr(start, "</name>"))) {
                return NULL;
            }
            char *name = lb_domxml_text(start, (size_t)(end - start));

            if (name && !*name) {
                free(name);
                return NULL;
            }
            return name;
        }
        p = lb_domxml_tag_end(p, &empty);
        depth += empty ? 0 : 1;
    }
    return NULL;
}

char *
lb_read_file(const char *path)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL;
    long size;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size <= 16 * 1024 * 1024 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) != NULL) {
        size_t len = fread(buf, 1, (size_t)size, f);

        buf[len] = '\0';
    } else if (errno == 0) {
        errno = EFBIG;
    }
    fclose(f);
    return buf;
}
