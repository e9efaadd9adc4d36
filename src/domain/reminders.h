/*
 * reminders.h - deadline reminders: the scan that turns running clocks into
 * in-app notifications and outbox events.
 *
 * For every running clock of an open case (not paused, not stopped), one
 * scan raises what is due and not yet raised for this run of the clock:
 *   warn      its warning instant passed (the deadline nears): the assignee;
 *   overdue   its due instant passed: the assignee and every user holding the
 *             leader role whose role scope covers the case's area;
 *   escalate  each escalation rule of the clock's definition whose amount
 *             past due elapsed, at its level: the users of the roles it names
 *             whose scope covers the area ("assignee" names the assignee).
 * A case without an assignee reminds whoever registered it instead.  Each
 * (case, clock run, kind, level) is claimed once in case_reminders, with its
 * notifications and its outbox row, in one transaction; a warning whose
 * clock is already past due is claimed silently (an overdue notice says it).
 * A stopped clock or a closed case is never scanned again.
 */
#ifndef ZW_REMINDERS_H
#define ZW_REMINDERS_H

#include "casedef.h"
#include "domain.h"

struct reminder_result {
    int events;        /* reminder events raised by this scan */
    int notifications; /* notifications written */
};

/*
 * One scan at now over db (a connection of the caller's thread, with no
 * transaction open): reads the clocks in batches, and raises each clock's
 * due reminders in its own write transaction.
 */
int reminders_scan(struct db *db, const struct case_types *types, int64_t now,
                   struct reminder_result *res, struct error *err);

#endif
