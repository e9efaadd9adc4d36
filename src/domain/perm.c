/* perm.c - the permission vocabulary, scopes and the principal's checks. */
#include <string.h>

#include "domain.h"
#include "banned.h"

const struct perm_info perm_table[] = {
    {"user.read", "查看用户"},
    {"user.write", "管理用户"},
    {"role.read", "查看角色"},
    {"role.write", "管理角色"},
    {"area.read", "查看区划"},
    {"area.write", "管理村民小组和网格"},
    {"audit.read", "查看审计日志"},
    {"security.read", "查看安全设置"},
    {"security.write", "修改安全设置"},
    {"calendar.write", "维护工作日历"},
    {"pii.read", "查看完整个人信息"},
    {"case.read", "查看办件"},
    {"case.write", "登记和办理办件"},
    {"outbox.manage", "查看和重试消息外发"},
    {"registry.read", "查看户籍台账"},
    {"registry.write", "维护户籍台账"},
    {"benefit.read", "查看救助发放台账"},
    {"benefit.write", "办理救助发放"},
    {"period.close", "统计结账（冻结月度、年度数据）"},
    {"assess.read", "查看考核"},
    {"assess.write", "考核评分"},
    {"assess.approve", "审核审定考核"},
    {"notice.read", "查看公示"},
    {"notice.write", "编制和发布公示"},
};
const size_t perm_count = sizeof(perm_table) / sizeof(perm_table[0]);

bool perm_known(const char *code)
{
    return perm_name(code) != NULL;
}

const char *perm_name(const char *code)
{
    for (size_t i = 0; i < perm_count; i++)
        if (strcmp(perm_table[i].code, code) == 0)
            return perm_table[i].name;
    return NULL;
}

static const char *const scope_names[] = {"own", "area", "subtree", "all"};
static const char *const scope_labels[] = {"本人经手的记录", "本级区划", "本级及下级区划", "全部"};

int scope_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, scope_names[i]) == 0)
            return i;
    return -1;
}

const char *scope_name(int kind)
{
    return kind >= 0 && kind < 4 ? scope_names[kind] : "own";
}

const char *scope_label(int kind)
{
    return kind >= 0 && kind < 4 ? scope_labels[kind] : scope_labels[0];
}

bool principal_can(const struct principal *p, const char *perm)
{
    if (p->superuser)
        return true;
    for (size_t i = 0; i < p->nperms; i++)
        if (strcmp(p->perms[i], perm) == 0)
            return true;
    return false;
}

struct scope principal_scope(const struct principal *p)
{
    struct scope sc = {
        .kind = p->superuser ? SCOPE_ALL : p->scope_kind,
        .path = p->area_path,
        .area_id = p->area_id,
        .user_id = p->user_id,
    };
    return sc;
}
