-- 0026_api_key_users.sql - an API key may act for a user: a county system pulls
-- the analytics (GET /api/v1/indicators...) with `Authorization: Bearer <key>`,
-- read-only, with that user's rights and scope (`zhenwu apikey add NAME --user
-- USERNAME`).  NULL: an Open311 key, for public submissions only.
ALTER TABLE api_keys ADD COLUMN user_id BIGINT REFERENCES users(id);
