/*
 * ocf:lifeboat:VirtualDomain, shared part: the parameter table and the small
 * helpers that both the fast monitor front (VirtualDomain_fast.c) and the full
 * libvirt agent (VirtualDomain.c) use, so they agree on every decision.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "VirtualDomain.h"
#include "lifeboat/domxml.h"

/* ------------------------------------------------------------ parameters */

const char *const vd_shutdown_modes[] = {"acpi", "agent", "initctl", "signal", "paravirt", NULL};

const struct lb_param vd_params[] = {
    {.name = "config",
     .type = LB_PARAM_STRING,
     .required = true,
     .unique = true,
     .dflt = "",
     .shortdesc = "Virtual domain configuration file",
     .longdesc = "Absolute path to the libvirt configuration file, for this virtual domain."},
    {.name = "hypervisor",
     .type = LB_PARAM_STRING,
     .shortdesc = "Hypervisor URI",
     .longdesc = "Hypervisor URI to connect to. See the libvirt documentation for details on "
                 "supported URI formats. The default is libvirt's default URI "
                 "('virsh --quiet uri')."},
    {.name = "force_stop",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "0",
     .shortdesc = "Always force shutdown on stop",
     .longdesc = "Always forcefully shut down (\"destroy\") the domain on stop. The default "
                 "behavior is to resort to a forceful shutdown only after a graceful shutdown "
                 "attempt has failed."},
    {.name = "migration_transport",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "Remote hypervisor transport",
     .longdesc = "Transport used to connect to the remote hypervisor while migrating (e.g. ssh, "
                 "tcp, tls). If omitted, the scheme of the hypervisor URI is kept."},
    {.name = "migration_user",
     .type = LB_PARAM_STRING,
     .shortdesc = "Remote username for the remoteuri",
     .longdesc = "The username used in the remote libvirt URI. Ignored if remoteuri is set."},
    {.name = "migration_downtime",
     .type = LB_PARAM_INTEGER,
     .dflt = "0",
     .min = 0,
     .max = INT_MAX,
     .shortdesc = "Live migration downtime",
     .longdesc = "Define max downtime during live migration in milliseconds (0: libvirt's "
                 "default)."},
    {.name = "migration_speed",
     .type = LB_PARAM_INTEGER,
     .dflt = "0",
     .min = 0,
     .max = INT_MAX,
     .shortdesc = "Live migration speed",
     .longdesc = "Define live migration speed per resource in MiB/s (0: unlimited)."},
    {.name = "migration_network_suffix",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "Migration network host name suffix",
     .longdesc = "Use a dedicated migration network. The migration URI is composed by adding "
                 "this value to the end of the node name (before the first period of an FQDN). "
                 "It is added to the remote URI and the migration URI."},
    {.name = "migrateuri",
     .type = LB_PARAM_STRING,
     .shortdesc = "Custom migrateuri for migration state transfer",
     .longdesc = "Migration URI for the state transfer, if the calculated one is unsuitable. "
                 "If set, migration_network_suffix, migrateport and --migrateuri in "
                 "migrate_options are ignored. \"%n\" is replaced by the target node name."},
    {.name = "migrate_options",
     .type = LB_PARAM_STRING,
     .shortdesc = "live migrate options",
     .longdesc = "Extra virsh-style options for the live migration, e.g. \"--p2p --tunnelled "
                 "--compressed\". --migrateuri=URI is also accepted. \"%n\" is replaced by the "
                 "target node name. An option lifeboat does not know fails validation."},
    {.name = "monitor_scripts",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "space-separated list of monitor scripts",
     .longdesc = "Scripts that monitor services within the domain, run (without a shell) after "
                 "the state check in every monitor; start and migrate_from complete only when "
                 "all of them succeed."},
    {.name = "autoset_utilization_cpu",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "true",
     .shortdesc = "Enable auto-setting the CPU utilization of the resource",
     .longdesc = "If set true, the agent puts the domain's number of vCPUs into the cpu "
                 "utilization of the resource when the monitor is executed."},
    {.name = "autoset_utilization_host_memory",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "true",
     .shortdesc = "Enable auto-setting the host_memory utilization of the resource",
     .longdesc = "If set true, the agent puts the domain's maximum memory (MiB) into the "
                 "host_memory utilization of the resource when the monitor is executed."},
    {.name = "autoset_utilization_hv_memory",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "true",
     .shortdesc = "Enable auto-setting the hv_memory utilization of the resource",
     .longdesc = "If set true, the agent puts the domain's maximum memory (MiB) into the "
                 "hv_memory utilization of the resource when the monitor is executed."},
    {.name = "unset_utilization_cpu",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Enable auto-removing the CPU utilization of the resource",
     .longdesc = "If set true (and autoset_utilization_cpu false), the agent removes the cpu "
                 "utilization of the resource when the monitor is executed."},
    {.name = "unset_utilization_host_memory",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Enable auto-removing the host_memory utilization of the resource",
     .longdesc = "If set true (and autoset_utilization_host_memory false), the agent removes "
                 "the host_memory utilization when the monitor is executed."},
    {.name = "unset_utilization_hv_memory",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Enable auto-removing the hv_memory utilization of the resource",
     .longdesc = "If set true (and autoset_utilization_hv_memory false), the agent removes the "
                 "hv_memory utilization when the monitor is executed."},
    {.name = "migrateport",
     .type = LB_PARAM_INTEGER,
     .min = 1,
     .max = 65535,
     .shortdesc = "Port for migrateuri",
     .longdesc = "This port is used in the calculated qemu migrateuri. If unset, libvirt picks "
                 "a port."},
    {.name = "remoteuri",
     .type = LB_PARAM_STRING,
     .shortdesc = "Custom remoteuri to communicate with a remote hypervisor",
     .longdesc = "Use this URI to connect to the target hypervisor when migrating. If set, "
                 "migration_user and migration_network_suffix are ignored. \"%n\" is replaced "
                 "by the target node name."},
    {.name = "save_config_on_stop",
     .type = LB_PARAM_BOOLEAN,
     .shortdesc = "Save running VM's config back to its config file",
     .longdesc = "Write the domain's (inactive) configuration back to the file in \"config\" on "
                 "monitor, migrate_to and stop."},
    {.name = "sync_config_on_stop",
     .type = LB_PARAM_BOOLEAN,
     .shortdesc = "Save running VM's config back to its config file",
     .longdesc = "Enables save_config_on_stop, and runs \"csync2 -x\" on the file after saving "
                 "it. csync2 must be properly set up for this to work."},
    {.name = "snapshot",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "Restore state on start/stop",
     .longdesc = "Directory where the domain's RAM state is saved on stop and restored from on "
                 "start. Incompatible with force_stop."},
    {.name = "backingfile",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "Backing file for Copy-On-Write mode",
     .longdesc = "The backing file of the domain's copy-on-write image.",
     .unsupported = "copy-on-write images (backingfile) are not implemented yet"},
    {.name = "stateless",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Re-create the image at each start from the backing file",
     .longdesc = "If set to true and backingfile is defined, every start re-creates the "
                 "domain's qcow2 image from the backing file.",
     .unsupported = "stateless mode needs backingfile, which is not implemented yet"},
    {.name = "copyindirs",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "Directories to virt-copy-in before booting in stateless mode",
     .longdesc = "List of directories for virt-copy-in before booting the domain; stateless "
                 "mode only.",
     .unsupported = "copyindirs needs stateless mode, which is not implemented yet"},
    {.name = "shutdown_mode",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .shortdesc = "Shutdown mode(s) for the graceful stop",
     .longdesc = "Comma-separated libvirt shutdown modes for the graceful stop: acpi, agent, "
                 "initctl, signal, paravirt (as 'virsh shutdown --mode'). By default libvirt "
                 "chooses."},
    {.name = "start_resources",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Ensure the needed virtual storage pools and networks are started",
     .longdesc = "Start the storage pools and networks used by the domain before starting it "
                 "or before live migrating it."},
    {.name = NULL},
};

/* ------------------------------------------------------------ shared helpers */

void
vd_rsctmp_path(const struct lb_ctx *ctx, const char *what, char *buf, size_t len)
{
    const char *dir = getenv("HA_RSCTMP");

    snprintf(buf, len, "%s/lifeboat-VirtualDomain-%s.%s",
             (dir && *dir) ? dir : "/run/resource-agents", ctx->instance ? ctx->instance : "none",
             what);
}

char *
vd_cached_name(const struct lb_ctx *ctx)
{
    char path[PATH_MAX];
    char *name;

    if (!ctx->instance) {
        return NULL;
    }
    vd_rsctmp_path(ctx, "name", path, sizeof(path));
    name = lb_read_file(path);
    if (name) {
        name[strcspn(name, "\n")] = '\0';
        if (!name[0]) {
            free(name);
            name = NULL;
        }
    }
    return name;
}

/* "attr=value;" for autoset, "attr=;" for unset, nothing when neither is wanted. */
static void
vd_util_item(const struct lb_ctx *ctx, const char *attr, const char *value, char *want, size_t len)
{
    char param[64], item[96];

    snprintf(param, sizeof(param), "autoset_utilization_%s", attr);
    if (lb_param_bool(ctx, param)) {
        snprintf(item, sizeof(item), "%s=%s;", attr, value);
    } else {
        snprintf(param, sizeof(param), "unset_utilization_%s", attr);
        if (!lb_param_bool(ctx, param)) {
            return;
        }
        snprintf(item, sizeof(item), "%s=;", attr);
    }
    strncat(want, item, len - strlen(want) - 1);
}

void
vd_util_want(const struct lb_ctx *ctx, unsigned ncpu, unsigned long long maxmem_kib, char *want,
             size_t len)
{
    char cpu[32], mem[32];

    want[0] = '\0';
    snprintf(cpu, sizeof(cpu), "%u", ncpu);
    snprintf(mem, sizeof(mem), "%llu", maxmem_kib / 1024);
    vd_util_item(ctx, "cpu", cpu, want, len);
    vd_util_item(ctx, "host_memory", mem, want, len);
    vd_util_item(ctx, "hv_memory", mem, want, len);
}

bool
vd_util_is_cached(const struct lb_ctx *ctx, const char *want)
{
    char path[PATH_MAX];
    struct stat st;
    char *have;
    bool same;

    if (!want[0]) {
        return true; /* nothing to write */
    }
    vd_rsctmp_path(ctx, "util", path, sizeof(path));
    /* Re-check the CIB now and then, in case someone removed the values. */
    if (stat(path, &st) < 0 || time(NULL) - st.st_mtime > VD_UTIL_RECHECK_S) {
        return false;
    }
    have = lb_read_file(path);
    same = have && !strcmp(have, want);
    free(have);
    return same;
}

void
vd_util_forget(const struct lb_ctx *ctx)
{
    char path[PATH_MAX];

    vd_rsctmp_path(ctx, "util", path, sizeof(path));
    unlink(path);
}
