/*
 * fence_compute: status mapping and domain handling (see fence_compute.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fence_compute.h"

enum fc_state
fc_service_state(const char *state, const char *status)
{
    bool up = state && !strcmp(state, "up"), down = state && !strcmp(state, "down");

    if (up && status && !strcmp(status, "enabled")) {
        return FC_ON;
    }
    if (down && status && !strcmp(status, "disabled")) {
        return FC_OFF;
    }
    if (down) {
        return FC_FAILED;
    }
    return up ? FC_RUNNING : FC_UNKNOWN;
}

const char *
fc_state_name(enum fc_state s)
{
    switch (s) {
    case FC_ON:
        return "on";
    case FC_OFF:
        return "off";
    case FC_FAILED:
        return "failed";
    case FC_RUNNING:
        return "running";
    default:
        return "unknown";
    }
}

void
fc_short_name(const char *host, char *out, size_t len)
{
    snprintf(out, len, "%.*s", (int)strcspn(host, "."), host);
}

/* The domain part of a Nova host name ("" when it has none). */
static const char *
fc_domain_of(const char *host)
{
    const char *dot = strchr(host, '.');

    return dot ? dot + 1 : "";
}

static bool
fc_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

/* How many distinct domains the hosts use; *last is the last host's. */
static size_t
fc_count_domains(const char *const hosts[], size_t n, const char **last)
{
    size_t count = 0;

    *last = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *d = fc_domain_of(hosts[i]);
        bool seen = false;

        for (size_t j = 0; j < i && !seen; j++) {
            seen = !strcmp(fc_domain_of(hosts[j]), d);
        }
        count += !seen;
        *last = d;
    }
    return count;
}

/* Several domains: the supplied one if it names a host, else a unique short-name match. */
static int
fc_pick_among_domains(const char *const hosts[], size_t n, const char *plug, const char *domain,
                      struct fc_host_result *res)
{
    char want[256], s[256];
    const char *match = NULL;
    bool ambiguous = false;

    fc_short_name(plug, want, sizeof(want));
    for (size_t i = 0; i < n; i++) {
        fc_short_name(hosts[i], s, sizeof(s));
        if (strcmp(s, want)) {
            continue;
        }
        if (domain && !strcmp(fc_domain_of(hosts[i]), domain)) {
            match = hosts[i];
            ambiguous = false;
            break;
        }
        ambiguous |= match && strcmp(match, hosts[i]);
        match = match ? match : hosts[i];
    }
    if (!match || ambiguous) {
        snprintf(res->warning, sizeof(res->warning),
                 "The supplied domain '%s' did not match any used inside nova, and the compute "
                 "hosts are in several domains: %s is %s",
                 domain ? domain : "", plug, match ? "ambiguous" : "not among them");
        return -1;
    }
    snprintf(res->host, sizeof(res->host), "%s", match);
    snprintf(res->domain, sizeof(res->domain), "%s", fc_domain_of(match));
    res->have_domain = true;
    return 0;
}

/* Shorten @plug or complete it with @domain (fix_plug_name). */
static void
fc_apply_domain(const char *plug, const char *domain, struct fc_host_result *res)
{
    char s[256];

    snprintf(res->domain, sizeof(res->domain), "%s", domain);
    res->have_domain = true;
    fc_short_name(plug, s, sizeof(s));
    if (!*domain) {
        snprintf(res->host, sizeof(res->host), "%s", s);
    } else if (fc_ends_with(plug, domain)) {
        snprintf(res->host, sizeof(res->host), "%s", plug);
    } else {
        snprintf(res->host, sizeof(res->host), "%.127s.%.127s", s, domain);
    }
}

int
fc_nova_host(const char *const hosts[], size_t n, const char *plug, const char *domain,
             struct fc_host_result *res)
{
    const char *last;
    size_t ndomains;

    memset(res, 0, sizeof(*res));
    ndomains = fc_count_domains(hosts, n, &last);
    if (ndomains == 1 && domain && strcmp(domain, last)) {
        snprintf(res->warning, sizeof(res->warning),
                 "Overriding supplied domain '%s' as it does not match the one calculated from "
                 "nova: '%s'",
                 domain, last);
    }
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(hosts[i], plug)) {
            snprintf(res->host, sizeof(res->host), "%s", plug);
            snprintf(res->domain, sizeof(res->domain), "%s", fc_domain_of(plug));
            res->have_domain = true;
            return 0;
        }
    }
    if (ndomains > 1) {
        return fc_pick_among_domains(hosts, n, plug, domain, res);
    }
    if (ndomains == 0) {
        /* Nothing to calculate from: the plug as it is (the Python agent does the same). */
        snprintf(res->host, sizeof(res->host), "%s", plug);
        return 0;
    }
    fc_apply_domain(plug, last, res);
    return 0;
}
