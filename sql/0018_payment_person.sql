-- 0018_payment_person.sql - the person a payment line covers, when it names
-- one (教育资助 to one pupil, 高龄补贴 to one elder, a line of a county sheet
-- with a 身份证号).  NULL: a household line.
--
-- Lines imported before this column named their person at the head of the
-- note, "享受人：张三（500236********011X）；…"; they are linked here to the
-- household's member (past or present) of that name.  The note keeps its text.
ALTER TABLE payments ADD COLUMN person_id BIGINT REFERENCES persons(id);
CREATE INDEX payments_person ON payments(person_id);
UPDATE payments SET person_id = (
    SELECT MIN(p.id) FROM persons p JOIN memberships m ON m.person_id = p.id
    WHERE m.household_id = payments.household_id
      AND payments.note LIKE '享受人：' || p.name || '（%')
WHERE note LIKE '享受人：%';
