/* roles_builtin.c - the built-in roles: data, with no dependency on the store. */
#include "roles.h"
#include "banned.h"

/*
 * 三员分立: the system administrator manages accounts and areas but cannot
 * read the audit log or change security settings; the security
 * administrator owns security settings and roles; the auditor only reads the
 * audit log.  Because nobody grants what they do not hold, the system
 * administrator, who creates the staff's accounts, holds the business
 * permissions of the roles they hand out (cases now).
 */
const struct builtin_role builtin_roles[] = {
    {"sysadmin",
     "系统管理员",
     "all",
     {"user.read", "user.write", "role.read", "area.read", "area.write", "calendar.write",
      "case.read", "case.write", "outbox.manage", "registry.read", "registry.write", "benefit.read",
      "benefit.write", "assess.read", "assess.write", "assess.approve", "notice.read",
      "notice.write"}},
    {"secadmin",
     "安全管理员",
     "all",
     {"security.read", "security.write", "role.read", "role.write", "user.read"}},
    {"auditor", "审计员", "all", {"audit.read"}},
    {"leader",
     "镇领导",
     "subtree",
     {"area.read", "user.read", "role.read", "pii.read", "case.read", "case.write", "registry.read",
      "registry.write", "benefit.read", "benefit.write", "period.close", "assess.read",
      "assess.write", "assess.approve", "notice.read", "notice.write"}},
    {"staff",
     "镇工作人员",
     "subtree",
     {"area.read", "area.write", "case.read", "case.write", "registry.read", "registry.write",
      "benefit.read", "benefit.write", "assess.read", "assess.write", "notice.read",
      "notice.write"}},
    {"village_cadre",
     "村干部",
     "subtree",
     {"area.read", "area.write", "case.read", "case.write", "registry.read", "registry.write",
      "benefit.read", "assess.read", "notice.read", "notice.write"}},
    {"grid_worker",
     "网格员",
     "area",
     {"area.read", "case.read", "case.write", "registry.read", "registry.write"}},
    {"assist_cadre",
     "帮扶责任人",
     "own",
     {"area.read", "case.read", "registry.read", "registry.write", "assess.read"}},
};
const size_t builtin_role_count = sizeof(builtin_roles) / sizeof(builtin_roles[0]);
