/* error.c - names, messages and HTTP statuses of the zw_err codes. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "mask.h"
#include "banned.h"

struct err_info {
    int code;
    const char *name;
    int http;
    const char *message;
};

static const struct err_info err_table[] = {
    {ZW_OK, "ok", 200, "成功"},
    {ZW_EINVAL, "invalid_input", 400, "输入内容不符合要求"},
    {ZW_EJSON, "bad_json", 400, "请求内容不是有效的 JSON"},
    {ZW_EUNKNOWNFIELD, "unknown_field", 400, "请求中含有不认识的字段"},
    {ZW_EUTF8, "invalid_utf8", 400, "请求内容含有无效的 UTF-8 编码"},
    {ZW_ETOOBIG, "body_too_large", 413, "请求内容过大"},
    {ZW_ENOTFOUND, "not_found", 404, "找不到该资源"},
    {ZW_EAUTH, "unauthenticated", 401, "请先登录"},
    {ZW_EFORBIDDEN, "forbidden", 403, "没有权限进行此操作"},
    {ZW_ECSRF, "csrf_failed", 403, "安全校验失败，请刷新页面后重试"},
    {ZW_ESTALE, "stale_version", 412, "数据已被他人修改，请刷新后重试"},
    {ZW_EPRECOND, "precondition_required", 428, "修改数据时必须提供版本号（If-Match）"},
    {ZW_ECONFLICT, "conflict", 409, "数据已存在"},
    {ZW_ELOCKED, "account_locked", 423, "账号已被锁定，请稍后再试"},
    {ZW_EWEAKPW, "weak_password", 400, "密码不符合安全要求"},
    {ZW_EPWCHANGE, "password_change_required", 403, "请先修改初始密码"},
    {ZW_EBUSY, "busy", 503, "系统繁忙，请稍后重试"},
    {ZW_EMETHOD, "method_not_allowed", 405, "不支持该请求方法"},
    {ZW_EHEADERS, "headers_too_large", 431, "请求头过大"},
    {ZW_EMEDIA, "unsupported_media_type", 415, "请求内容类型必须是 application/json"},
    {ZW_EBADCRED, "bad_credentials", 401, "用户名或密码错误"},
    {ZW_EGRANT, "grant_exceeds_own", 403, "不能授予超出自身范围的权限"},
    {ZW_EDB, "db_error", 500, "数据库错误"},
    {ZW_EIO, "io_error", 500, "读写文件出错"},
    {ZW_ENOMEM, "out_of_memory", 503, "系统内存不足"},
    {ZW_EINTERNAL, "internal", 500, "系统内部错误"},
    {ZW_EBADPATH, "bad_path", 400, "请求路径无效"},
    {ZW_EIDEMPOTENT, "idempotency_mismatch", 422, "同一幂等键已用于不同的请求内容"},
    {ZW_EDISABLED, "account_disabled", 403, "账号已停用"},
    {ZW_ESERIAL, "serialization_failure", 503, "数据冲突，请重试"},
    {ZW_ETRANSITION, "invalid_transition", 409, "办件当前状态下不能进行此操作"},
    {ZW_ERATELIMIT, "rate_limited", 429, "请求过于频繁，请稍后再试"},
    {ZW_EPERIOD, "period_running", 409, "规定的期限（如公示期）尚未届满，暂不能进行此操作"},
};

static const struct err_info *err_find(int code)
{
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].code == code)
            return &err_table[i];
    return code == ZW_EINTERNAL ? &err_table[0] : err_find(ZW_EINTERNAL);
}

int err_set(struct error *err, int code, const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->field = field;
    err->detail[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        utf8_repair(err->message); /* a %.40s cut or a user's bytes: the message stays UTF-8 */
    } else {
        snprintf(err->message, sizeof(err->message), "%s", err_str(code));
    }
    return code;
}

int err_detail(struct error *err, const char *fmt, ...)
{
    if (!err)
        return ZW_EINTERNAL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
    va_end(ap);
    utf8_repair(err->detail);
    return err->code;
}

const char *err_code_name(int code)
{
    return err_find(code)->name;
}

const char *err_str(int code)
{
    return err_find(code)->message;
}

int err_http_status(int code)
{
    return err_find(code)->http;
}
