/*
 * cmd_serve.c - `zhenwu serve`: the config file, the server's start and its
 * clean stop on SIGTERM / SIGINT (requests in flight finish, then the
 * database closes).
 *
 * The config file is "key = value" lines ('#' starts a comment); command-line
 * flags override it.  Keys: db, listen, web, defs, files, threads, conn_per_ip,
 * conn_total, timeout, max_body, trust_proxy, secure_cookie; the background
 * jobs (serve_jobs.h): reminder_interval, outbox_interval, webhook_url,
 * webhook_secret, webhook_timeout, webhook_retry_base, webhook_retry_max; and
 * export_max_rows (the cap of one Excel export).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "cli.h"
#include "domain/attachments.h"
#include "domain/casedef.h"
#include "domain/doc_pdf.h"
#include "domain/documents.h"
#include "domain/monitoring.h"
#include "domain/registry.h"
#include "domain/importer_jobs.h"
#include "domain/importer_payments.h"
#include "domain/benefits.h"
#include "domain/indicators.h"
#include "domain/assessment.h"
#include "domain/reports.h"
#include "domain/notices.h"
#include "domain/cases.h"
#include "domain/services.h"
#include "domain/workcal.h"
#include "http/http.h"
#include "limits.h"
#include "log.h"
#include "http/webhook.h"
#include "serve_jobs.h"
#include "banned.h"

struct serve_opts {
    char db[1024];
    char listen[128];
    char web[1024];
    char defs[1024];
    char files[1024];
    long threads, conn_per_ip, conn_total, timeout, max_body;
    bool trust_proxy, secure_cookie;
    /* background jobs */
    long reminder_interval, outbox_interval;
    char webhook_url[1024], webhook_secret[256];
    long webhook_timeout, webhook_retry_base, webhook_retry_max;
    long export_max_rows;
};

static int set_opt(struct serve_opts *o, const char *key, const char *val, const char *where)
{
    char *end;
    long n = strtol(val, &end, 10);
    bool num_ok = *val && !*end && n > 0;
    bool flag = strcmp(val, "1") == 0 || strcmp(val, "true") == 0 || strcmp(val, "yes") == 0;
    struct {
        const char *key;
        char *str;
        size_t cap;
        long *num;
        bool *flag;
    } map[] = {
        {"db", o->db, sizeof(o->db), NULL, NULL},
        {"listen", o->listen, sizeof(o->listen), NULL, NULL},
        {"web", o->web, sizeof(o->web), NULL, NULL},
        {"defs", o->defs, sizeof(o->defs), NULL, NULL},
        {"files", o->files, sizeof(o->files), NULL, NULL},
        {"threads", NULL, 0, &o->threads, NULL},
        {"conn_per_ip", NULL, 0, &o->conn_per_ip, NULL},
        {"conn_total", NULL, 0, &o->conn_total, NULL},
        {"timeout", NULL, 0, &o->timeout, NULL},
        {"max_body", NULL, 0, &o->max_body, NULL},
        {"trust_proxy", NULL, 0, NULL, &o->trust_proxy},
        {"secure_cookie", NULL, 0, NULL, &o->secure_cookie},
        {"reminder_interval", NULL, 0, &o->reminder_interval, NULL},
        {"outbox_interval", NULL, 0, &o->outbox_interval, NULL},
        {"webhook_url", o->webhook_url, sizeof(o->webhook_url), NULL, NULL},
        {"webhook_secret", o->webhook_secret, sizeof(o->webhook_secret), NULL, NULL},
        {"webhook_timeout", NULL, 0, &o->webhook_timeout, NULL},
        {"webhook_retry_base", NULL, 0, &o->webhook_retry_base, NULL},
        {"webhook_retry_max", NULL, 0, &o->webhook_retry_max, NULL},
        {"export_max_rows", NULL, 0, &o->export_max_rows, NULL},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].key, key) != 0)
            continue;
        if (map[i].str) {
            if (strlen(val) >= map[i].cap) {
                fprintf(stderr, "zhenwu: %s：%s 过长\n", where, key);
                return -1;
            }
            snprintf(map[i].str, map[i].cap, "%s", val);
        } else if (map[i].num) {
            if (!num_ok) {
                fprintf(stderr, "zhenwu: %s：%s 应为正整数\n", where, key);
                return -1;
            }
            *map[i].num = n;
        } else {
            *map[i].flag = flag;
        }
        return 0;
    }
    fprintf(stderr, "zhenwu: %s：不认识的配置项“%s”\n", where, key);
    return -1;
}

static int load_config(struct serve_opts *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "zhenwu: 无法读取配置文件 %s：%s\n", path, strerror(errno));
        return -1;
    }
    char line[2048];
    int lineno = 0, rc = 0;
    while (!rc && fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *eq = strchr(line, '=');
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n')
            continue;
        if (!eq) {
            fprintf(stderr, "zhenwu: %s 第 %d 行：应为 键 = 值\n", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = p, *val = eq + 1;
        for (char *e = key + strlen(key); e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
            e[-1] = '\0';
        while (*val == ' ' || *val == '\t')
            val++;
        for (char *e = val + strlen(val);
             e > val && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'); e--)
            e[-1] = '\0';
        char where[1100];
        snprintf(where, sizeof(where), "%s 第 %d 行", path, lineno);
        rc = set_opt(o, key, val, where);
    }
    fclose(f);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_opts o = {
        .listen = "127.0.0.1:8080",
        .threads = ZW_DEFAULT_THREADS,
        .conn_per_ip = ZW_DEFAULT_CONN_PER_IP,
        .conn_total = ZW_DEFAULT_CONN_TOTAL,
        .timeout = ZW_DEFAULT_CONN_TIMEOUT_S,
        .max_body = ZW_MAX_BODY_BYTES,
        .reminder_interval = ZW_DEFAULT_REMINDER_INTERVAL_S,
        .outbox_interval = ZW_DEFAULT_OUTBOX_INTERVAL_S,
        .webhook_timeout = ZW_DEFAULT_WEBHOOK_TIMEOUT_S,
        .webhook_retry_base = ZW_DEFAULT_WEBHOOK_RETRY_BASE_S,
        .webhook_retry_max = ZW_DEFAULT_WEBHOOK_RETRY_MAX_S,
        .export_max_rows = ZW_MAX_EXPORT_ROWS,
    };
    snprintf(o.defs, sizeof(o.defs), "%s", cli_defs_dir());
    /* The config file first, so flags override it whatever their order. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0) {
            const char *v = cli_arg(argc, argv, &i);
            if (!v || load_config(&o, v))
                return 2;
        }
    static const char *const flags[][2] = {
        {"--db", "db"},
        {"--listen", "listen"},
        {"--web", "web"},
        {"--defs", "defs"},
        {"--files", "files"},
        {"--threads", "threads"},
        {"--timeout", "timeout"},
        {"--conn-per-ip", "conn_per_ip"},
        {"--reminder-interval", "reminder_interval"},
        {"--outbox-interval", "outbox_interval"},
    };
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            i++;
            continue;
        }
        size_t k;
        for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
            if (strcmp(argv[i], flags[k][0]) == 0)
                break;
        if (k == sizeof(flags) / sizeof(flags[0])) {
            fprintf(stderr, "zhenwu serve: 不认识的参数“%s”\n", argv[i]);
            return 2;
        }
        const char *v = cli_arg(argc, argv, &i);
        if (!v || set_opt(&o, flags[k][1], v, "命令行"))
            return 2;
    }
    if (o.webhook_url[0] && strncmp(o.webhook_url, "http://", 7) != 0 &&
        strncmp(o.webhook_url, "https://", 8) != 0) {
        fprintf(stderr, "zhenwu serve: webhook_url 应以 http:// 或 https:// 开头\n");
        return 2;
    }
    if (!o.db[0]) {
        fprintf(stderr, "zhenwu serve: 需要 --db 数据库文件\n");
        return 2;
    }
    struct error err = {0};
    struct store *store;
    if (store_open(o.db, true, &store, &err))
        return cli_fail(&err);
    struct db *db = store_db(store, &err);
    if (!db || workcal_reload(db, &err) ||
        store_idem_purge(db, (int64_t)time(NULL) - ZW_IDEMPOTENCY_TTL_S, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    /* Procedures are data: a definition that does not check stops the start. */
    static struct arena defs_arena;
    static struct case_types types;
    char types_dir[1100];
    snprintf(types_dir, sizeof(types_dir), "%s/case_types", o.defs);
    if (casedef_load_dir(types_dir, &defs_arena, &types, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    log_info("msg=\"case types loaded\" dir=%s count=%zu", types_dir, types.n);
    /* Every notice a procedure declares has a checked template, or the start stops. */
    snprintf(types_dir, sizeof(types_dir), "%s/documents", o.defs);
    if (doc_template_load_dir(types_dir, &types, &defs_arena, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    /* Attachments live beside a SQLite file unless the config says where. */
    if (!o.files[0])
        attach_default_dir(o.db, o.files, sizeof(o.files));
    if (attach_init(o.files, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    log_info("msg=\"attachments\" dir=%s", o.files);
    /* The public service catalogue (portal, Open311) names case types: checked against them. */
    static struct services services;
    char svc_path[1100];
    snprintf(svc_path, sizeof(svc_path), "%s/services.json", o.defs);
    if (services_load(svc_path, &types, &defs_arena, &services, &err) ||
        store_rate_purge(db, (int64_t)time(NULL) - ZW_RATE_KEEP_S, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    /* The registry's code tables and thresholds. */
    static struct registry_defs *registry;
    /* Registry imports: uploads under <files>/imports, checked against those tables. */
    if (registry_load(o.defs, &registry, &err) || importer_jobs_init(o.files, registry, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    /* Programmes and 低保 standards; an approved application enrols the household. */
    static struct programmes programmes;
    if (benefits_load(o.defs, &types, &defs_arena, &programmes, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    cases_hook_add(benefits_case_hook, &programmes);
    importer_payments_use(&programmes);
    api_env.programmes = &programmes;
    api_env.registry = registry;
    /* Indicators (defs/indicators/<name>.json), checked against the store's catalogue. */
    static struct indicators indicators;
    if (indicators_load(o.defs, &defs_arena, &indicators, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    api_env.indicators = &indicators;
    /* Assessment schemes (defs/assessment/<code>.json), checked against the indicators. */
    static struct assess_schemes schemes;
    if (assess_load(o.defs, &indicators, &defs_arena, &schemes, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    api_env.assessment = &schemes;
    /* Work report templates (defs/reports/<code>.md), checked against the indicators. */
    static struct report_templates report_templates;
    if (report_templates_load(o.defs, &indicators, &defs_arena, &report_templates, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    reports_use(&report_templates, &indicators);
    /* Public notices (公示): kinds and templates; a template that does not check stops the start.
     */
    static struct notice_defs notice_defs;
    if (notices_load(o.defs, &programmes, registry, &defs_arena, &notice_defs, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    api_env.notices = &notice_defs;
    /* What the monitoring procedures do on their decisions (cases_hook_add). */
    monitoring_hooks_register(registry);
    api_env.services = &services;
    api_env.case_types = &types;
    api_env.store = store;
    api_env.defs_dir = o.defs;
    api_env.secure_cookie = o.secure_cookie;
    api_env.webhook_configured = o.webhook_url[0] != '\0';
    api_env.export_max_rows = o.export_max_rows;

    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct http_config hc = {
        .listen = o.listen,
        .threads = (unsigned)o.threads,
        .conn_per_ip = (unsigned)o.conn_per_ip,
        .conn_total = (unsigned)o.conn_total,
        .timeout_s = (unsigned)o.timeout,
        .max_body = (size_t)o.max_body,
        .web_root = o.web[0] ? o.web : NULL,
        .trust_proxy = o.trust_proxy,
        .routes = api_routes,
        .nroutes = api_route_count,
        .not_found = api_not_found,
        .refuse = api_refuse,
    };
    struct http_server *srv;
    if (http_start(&hc, &srv, &err)) {
        store_close(store);
        return cli_fail(&err);
    }
    webhook_global_init();
    struct jobs_config jc = {
        .store = store,
        .types = &types,
        .reminder_interval_s = o.reminder_interval,
        .outbox_interval_s = o.outbox_interval,
        .webhook_url = o.webhook_url,
        .webhook_secret = o.webhook_secret,
        .webhook_timeout_s = o.webhook_timeout,
        .retry_base_s = o.webhook_retry_base,
        .retry_max_s = o.webhook_retry_max,
    };
    struct jobs *jobs = NULL;
    if (jobs_start(&jc, &jobs, &err)) {
        http_stop(srv, 0);
        store_close(store);
        return cli_fail(&err);
    }
    if (importer_worker_start(store, &err) || reports_worker_start(store, &err)) {
        importer_worker_stop();
        jobs_stop(jobs);
        http_stop(srv, 0);
        store_close(store);
        return cli_fail(&err);
    }
    log_info("msg=\"serving\" listen=%s db=%s threads=%ld web=%s", o.listen, o.db, o.threads,
             o.web[0] ? o.web : "-");
    printf("zhenwu 已启动：http://%s/  （按 Ctrl+C 停止）\n", o.listen);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("msg=\"stopping\" signal=%d", sig);
    http_stop(srv, 10000);
    doc_pdf_shutdown();
    jobs_stop(jobs);
    importer_worker_stop();
    reports_worker_stop();
    store_close(store);
    attach_shutdown();
    arena_release(&defs_arena);
    registry_free(registry);
    log_info("msg=\"stopped\"");
    return 0;
}
