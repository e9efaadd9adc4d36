// open311.test.mjs - Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2)
// on the cases the public filed: every endpoint in JSON and XML, each answer
// checked against the spec's field lists (required and allowed fields, types),
// the XML against the JSON, the api_key rule, the mapping of our states onto
// open/closed as a case is driven through the staff API, and privacy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startServer, zw } from '../lib/server.mjs';
import { login, expectStatus, areaTree, sql, DENGTA_CODE, DATANG_CODE } from './lib.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;
const HAN = /[\u4e00-\u9fff]/;
const BASE = '/open311/v2';

// ---- the spec's field lists
const SPEC = {
  service: {
    required: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
    allowed: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  },
  definition: { required: ['service_code', 'attributes'], allowed: ['service_code', 'attributes'] },
  attribute: {
    required: ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description'],
    allowed: ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values'],
  },
  value: { required: ['key', 'name'], allowed: ['key', 'name'] },
  request: {
    required: ['service_request_id', 'status', 'service_code', 'requested_datetime'],
    allowed: ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description',
      'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime',
      'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url'],
  },
  created: { required: [], allowed: ['service_request_id', 'token', 'service_notice', 'account_id'] },
  token: { required: ['service_request_id', 'token'], allowed: ['service_request_id', 'token'] },
  error: { required: ['code', 'description'], allowed: ['code', 'description'] },
  discovery: { required: ['changeset', 'contact', 'key_service', 'endpoints'], allowed: ['changeset', 'contact', 'key_service', 'endpoints'] },
  endpoint: { required: ['specification', 'url', 'changeset', 'type', 'formats'], allowed: ['specification', 'url', 'changeset', 'type', 'formats'] },
};

function fields(kind, o, where) {
  const spec = SPEC[kind];
  assert.ok(o && typeof o === 'object' && !Array.isArray(o), `${where}: ${kind} is an object`);
  for (const k of spec.required) assert.ok(k in o, `${where}: ${kind} lacks required ${k}`);
  for (const k of Object.keys(o)) assert.ok(spec.allowed.includes(k), `${where}: ${kind} has unknown field ${k}`);
}

const str = (v, where) => assert.equal(typeof v, 'string', `${where} is a string`);
const strOrNull = (v, where) => assert.ok(v === null || typeof v === 'string', `${where} is a string or null`);
const timeOrNull = (v, where) => assert.ok(v === null || ISO.test(v), `${where} is ISO 8601 +08:00 or null: ${v}`);

function checkService(s, where) {
  fields('service', s, where);
  str(s.service_code, `${where}.service_code`);
  str(s.service_name, `${where}.service_name`);
  str(s.description, `${where}.description`);
  assert.equal(typeof s.metadata, 'boolean');
  assert.ok(['realtime', 'batch', 'blackbox'].includes(s.type));
  str(s.keywords, `${where}.keywords`);
  str(s.group, `${where}.group`);
}

function checkDefinition(d, where) {
  fields('definition', d, where);
  str(d.service_code, `${where}.service_code`);
  assert.ok(Array.isArray(d.attributes) && d.attributes.length > 0);
  d.attributes.forEach((a, i) => {
    fields('attribute', a, `${where}.attributes[${i}]`);
    assert.equal(typeof a.variable, 'boolean');
    str(a.code, 'attribute.code');
    assert.ok(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].includes(a.datatype));
    assert.equal(typeof a.required, 'boolean');
    assert.equal(typeof a.order, 'number');
    if (a.datatype.endsWith('valuelist')) {
      assert.ok(Array.isArray(a.values) && a.values.length > 0, 'list attributes carry values');
      a.values.forEach((v, k) => { fields('value', v, `${where}.attributes[${i}].values[${k}]`); str(v.key, 'value.key'); str(v.name, 'value.name'); });
    }
  });
}

function checkRequest(r, where) {
  fields('request', r, where);
  str(r.service_request_id, `${where}.service_request_id`);
  assert.ok(['open', 'closed'].includes(r.status), `${where}.status`);
  str(r.status_notes, `${where}.status_notes`);
  assert.match(r.status_notes, HAN, 'status_notes in Chinese');
  str(r.service_code, `${where}.service_code`);
  strOrNull(r.service_name, `${where}.service_name`);
  strOrNull(r.description, `${where}.description`);
  assert.match(r.requested_datetime, ISO);
  timeOrNull(r.updated_datetime, `${where}.updated_datetime`);
  timeOrNull(r.expected_datetime, `${where}.expected_datetime`);
  strOrNull(r.address, `${where}.address`);
  strOrNull(r.address_id, `${where}.address_id`);
  assert.ok(r.lat === null || typeof r.lat === 'number');
  assert.ok(r.long === null || typeof r.long === 'number');
}

// ---- XML: parsed with the list elements always arrays; compared with the JSON
const LISTS = new Set(['service', 'request', 'attribute', 'value', 'endpoint', 'format', 'error']);
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => LISTS.has(name) });

function parseXml(text) {
  assert.equal(XMLValidator.validate(text), true, `well-formed XML: ${text.slice(0, 200)}`);
  assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  return parser.parse(text);
}

// The XML text of a JSON value: null and '' are empty elements, booleans true/false.
function sameAsJson(x, j, where) {
  if (j === null) return assert.equal(x, '', `${where}: null is an empty element`);
  if (Array.isArray(j)) {
    assert.ok(Array.isArray(x), `${where}: a list`);
    assert.equal(x.length, j.length, `${where}: list length`);
    return j.forEach((v, i) => sameAsJson(x[i], v, `${where}[${i}]`));
  }
  if (typeof j === 'object') {
    assert.deepEqual(Object.keys(x).sort(), Object.keys(j).sort(), `${where}: same fields`);
    return Object.keys(j).forEach((k) => {
      const inner = Array.isArray(j[k]) ? Object.values(x[k] || {})[0] || [] : x[k];
      sameAsJson(inner, j[k], `${where}.${k}`);
    });
  }
  if (typeof j === 'number') return assert.equal(Number(x), j, `${where}: number`);
  return assert.equal(x, String(j), `${where}`);
}

let srv, staff, leader, tree, dengtaArea, key, keyName;
let phoneSeq = 0;
const newPhone = () => `1370000${String(++phoneSeq).padStart(4, '0')}`;

before(async () => {
  srv = await startServer();
  [staff, leader] = await Promise.all(['staff', 'leader'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  keyName = 'wx-app';
  const out = zw(['apikey', 'add', keyName, '--db', srv.db]);
  key = out.trim().split('\n').at(-1);
  assert.match(key, /^zw311_[a-z2-7]{32}$/);
});

after(async () => { if (srv) await srv.stop(); });

async function get(p) {
  const r = await fetch(srv.url + p);
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, body: (() => { try { return JSON.parse(text); } catch { return null; } })() };
}

async function post(fmt, form) {
  const r = await fetch(`${srv.url}${BASE}/requests.${fmt}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, body: (() => { try { return JSON.parse(text); } catch { return null; } })() };
}

const form = (over = {}) => ({
  api_key: key, service_code: '202', description: '灯塔村二组路灯坏了半个月，晚上出行不安全。',
  'attribute[village]': DENGTA_CODE, lat: '29.7123', long: '107.3987', address_string: '灯塔村二组路口',
  first_name: '小明', last_name: '王', phone: newPhone(), ...over,
});

function expect311Error(r, status, fmt = 'json') {
  assert.equal(r.status, status, `status: ${r.text.slice(0, 300)}`);
  const list = fmt === 'json' ? r.body : parseXml(r.text).errors.error;
  assert.ok(Array.isArray(list) && list.length === 1, `error list: ${r.text.slice(0, 300)}`);
  fields('error', list[0], 'error');
  assert.equal(Number(list[0].code), status);
  assert.match(list[0].description, HAN);
  return list[0];
}

const count = () => Number(sql(srv.db, 'SELECT COUNT(*) AS n FROM cases')[0].n);

test('o311-1.1 discovery, JSON and XML', async () => {
  const j = await get(`${BASE}/discovery.json`);
  expectStatus(j, 200);
  assert.match(j.headers.get('content-type'), /^application\/json/);
  fields('discovery', j.body, 'discovery');
  assert.equal(j.body.endpoints.length, 1);
  fields('endpoint', j.body.endpoints[0], 'endpoint');
  assert.equal(j.body.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.equal(j.body.endpoints[0].url, `${srv.url}/open311/v2`);
  assert.deepEqual(j.body.endpoints[0].formats, ['application/json', 'text/xml']);
  assert.match(j.body.changeset, ISO);
  const x = await get(`${BASE}/discovery.xml`);
  expectStatus(x, 200);
  assert.match(x.headers.get('content-type'), /^text\/xml/);
  sameAsJson(parseXml(x.text).discovery, j.body, 'discovery.xml');
});

test('o311-1.2 services: the catalogue, codes as strings, JSON and XML alike', async () => {
  const j = await get(`${BASE}/services.json`);
  expectStatus(j, 200);
  assert.ok(Array.isArray(j.body) && j.body.length === 9);
  j.body.forEach((s, i) => checkService(s, `services[${i}]`));
  const s201 = j.body.find((s) => s.service_code === '201');
  assert.deepEqual({ ...s201, description: undefined }, {
    service_code: '201', service_name: '环境卫生', description: undefined, metadata: true, type: 'realtime',
    keywords: '垃圾,污水,环境', group: '身边问题',
  });
  const x = await get(`${BASE}/services.xml`);
  expectStatus(x, 200);
  sameAsJson(parseXml(x.text).services.service, j.body, 'services.xml');
});

test('o311-1.3 service definition: the village list and the confidentiality flag', async () => {
  const j = await get(`${BASE}/services/202.json`);
  expectStatus(j, 200);
  checkDefinition(j.body, 'definition');
  assert.equal(j.body.service_code, '202');
  const village = j.body.attributes.find((a) => a.code === 'village');
  assert.equal(village.required, true);
  assert.equal(village.datatype, 'singlevaluelist');
  assert.equal(village.values.length, 7);
  assert.deepEqual(village.values.find((v) => v.key === DENGTA_CODE), { key: DENGTA_CODE, name: '灯塔村（羊市镇）' });
  const conf = j.body.attributes.find((a) => a.code === 'confidential');
  assert.equal(conf.required, false);
  assert.deepEqual(conf.values.map((v) => v.key), ['0', '1']);
  const x = await get(`${BASE}/services/202.xml`);
  expectStatus(x, 200);
  sameAsJson(parseXml(x.text).service_definition, j.body, 'definition.xml');
  expect311Error(await get(`${BASE}/services/999.json`), 404);
  expect311Error(await get(`${BASE}/services/999.xml`), 404, 'xml');
  expect311Error(await get(`${BASE}/services/202.html`), 404);
});

test('o311-1.4 POST needs a valid, enabled api_key: 403 in the spec\'s error format, nothing created', async () => {
  const before = count();
  const { api_key: _k, ...noKey } = form();
  expect311Error(await post('json', noKey), 403);
  expect311Error(await post('json', form({ api_key: 'zw311_wrongwrongwrongwrongwrongwrong' })), 403);
  expect311Error(await post('xml', form({ api_key: 'nope' })), 403, 'xml');
  // a second key, disabled from the command line, is refused
  const k2 = zw(['apikey', 'add', 'old-app', '--db', srv.db]).trim().split('\n').at(-1);
  const ok = await post('json', form({ api_key: k2 }));
  assert.equal(ok.status, 201, ok.text);
  const list = zw(['apikey', 'list', '--db', srv.db]);
  assert.match(list, /old-app\s+有效/);
  zw(['apikey', 'disable', 'old-app', '--db', srv.db]);
  assert.match(zw(['apikey', 'list', '--db', srv.db]), /old-app\s+已停用/);
  const e = expect311Error(await post('json', form({ api_key: k2 })), 403);
  assert.match(e.description, /停用/);
  assert.equal(count(), before + 1);
  // only hashes are stored
  const rows = sql(srv.db, 'SELECT name, key_hash FROM api_keys ORDER BY id');
  assert.deepEqual(rows.map((r) => r.name), [keyName, 'old-app']);
  assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash) && r.key_hash !== key && r.key_hash !== k2));
});

test('o311-1.5 POST creates a case; GET requests/{id} and tokens/{token} in JSON and XML; no personal data', async () => {
  const f = form();
  const r = await post('json', f);
  assert.equal(r.status, 201, r.text);
  assert.ok(Array.isArray(r.body) && r.body.length === 1);
  fields('created', r.body[0], 'created');
  const id = r.body[0].service_request_id;
  str(id, 'service_request_id');
  assert.match(id, /^\d+$/);
  assert.match(r.body[0].service_notice, HAN);
  assert.equal(r.body[0].account_id, null);
  const token = r.body[0].token;
  // the case, for staff
  const k = await staff.get(`/api/v1/cases/${id}`);
  expectStatus(k, 200);
  assert.equal(k.body.type, 'grid_event');
  assert.equal(k.body.category, 'infrastructure');
  assert.equal(k.body.channel, 'online');
  assert.equal(k.body.area.code, DENGTA_CODE);
  assert.equal(k.body.requester.name, '王小明');
  assert.deepEqual(k.body.location, { lat: 29.7123, lon: 107.3987 });
  assert.equal(k.body.timeline[0].user.name, '公众（Open311）');
  const audit = sql(srv.db, `SELECT user_id, username FROM audit_log WHERE entity = 'case' AND entity_id = '${id}'`);
  assert.deepEqual(audit, [{ user_id: null, username: `open311:${keyName}` }]);
  assert.equal(sql(srv.db, `SELECT source FROM public_requests WHERE case_id = ${id}`)[0].source, 'open311');
  // read back
  const j = await get(`${BASE}/requests/${id}.json`);
  expectStatus(j, 200);
  assert.equal(j.body.length, 1);
  const q = j.body[0];
  checkRequest(q, 'request');
  assert.equal(q.service_request_id, id);
  assert.equal(q.status, 'open');
  assert.equal(q.status_notes, '已受理');
  assert.equal(q.service_code, '202');
  assert.equal(q.service_name, '道路及设施损坏');
  assert.equal(q.description, f.description);
  assert.equal(q.agency_responsible, '羊市镇人民政府');
  assert.equal(q.address, '灯塔村二组路口');
  assert.equal(q.address_id, DENGTA_CODE);
  assert.equal(q.lat, 29.7123);
  assert.equal(q.long, 107.3987);
  assert.match(q.requested_datetime, ISO);
  for (const s of [j.text]) {
    assert.ok(!s.includes(f.phone) && !s.includes(f.phone.slice(-4) + '"') && !s.includes('王小明') && !s.includes('小明'), 'no names or phones');
  }
  const x = await get(`${BASE}/requests/${id}.xml`);
  expectStatus(x, 200);
  sameAsJson(parseXml(x.text).service_requests.request, j.body, 'request.xml');
  assert.ok(!x.text.includes(f.phone) && !x.text.includes('小明'));
  // the XML POST answers in XML
  const rx = await post('xml', form());
  assert.equal(rx.status, 201, rx.text);
  const cx = parseXml(rx.text).service_requests.request;
  assert.equal(cx.length, 1);
  fields('created', cx[0], 'created.xml');
  assert.match(cx[0].service_request_id, /^\d+$/);
  // tokens
  const t = await get(`${BASE}/tokens/${token}.json`);
  expectStatus(t, 200);
  fields('token', t.body[0], 'token');
  assert.deepEqual(t.body, [{ service_request_id: id, token }]);
  const tx = await get(`${BASE}/tokens/${token}.xml`);
  sameAsJson(parseXml(tx.text).service_requests.request, t.body, 'token.xml');
  expect311Error(await get(`${BASE}/tokens/ZZZZZZZZZZ.json`), 404);
  expect311Error(await get(`${BASE}/requests/999999.json`), 404);
  expect311Error(await get(`${BASE}/requests/abc.xml`), 404, 'xml');
});

test('o311-1.6 GET requests.json: filters, the default window, JSON and XML alike', async () => {
  const a = (await post('json', form({ service_code: '203', description: '红旗村一处土坡有滑坡迹象，请尽快查看。' }))).body[0].service_request_id;
  const b = (await post('json', form({ service_code: '205', description: '夜间广场舞音响太大，影响休息。' }))).body[0].service_request_id;
  const all = await get(`${BASE}/requests.json`);
  expectStatus(all, 200);
  all.body.forEach((q, i) => checkRequest(q, `requests[${i}]`));
  const ids = all.body.map((q) => q.service_request_id);
  assert.ok(ids.includes(a) && ids.includes(b));
  assert.ok(ids.indexOf(b) < ids.indexOf(a), 'newest first');
  const x = await get(`${BASE}/requests.xml`);
  sameAsJson(parseXml(x.text).service_requests.request, all.body, 'requests.xml');
  const byId = await get(`${BASE}/requests.json?service_request_id=${b},${a},999999&service_code=101`);
  assert.deepEqual(byId.body.map((q) => q.service_request_id), [b, a], 'ids listed, unknown skipped, other filters ignored');
  const byCode = await get(`${BASE}/requests.json?service_code=203`);
  assert.ok(byCode.body.length >= 1 && byCode.body.every((q) => q.service_code === '203'));
  const open = await get(`${BASE}/requests.json?status=open`);
  assert.ok(open.body.every((q) => q.status === 'open') && open.body.some((q) => q.service_request_id === a));
  const closed = await get(`${BASE}/requests.json?status=closed`);
  assert.ok(closed.body.every((q) => q.status === 'closed'));
  const both = await get(`${BASE}/requests.json?status=open,closed`);
  assert.equal(both.body.length, all.body.length);
  const future = await get(`${BASE}/requests.json?start_date=2099-01-01T00:00:00%2B08:00`);
  assert.deepEqual(future.body, []);
  const past = await get(`${BASE}/requests.json?end_date=2000-01-01T00:00:00Z`);
  assert.deepEqual(past.body, []);
  const window = await get(`${BASE}/requests.json?start_date=2000-01-01T00:00:00Z`);
  assert.equal(window.body.length, all.body.length);
  expect311Error(await get(`${BASE}/requests.json?status=pending`), 400);
  expect311Error(await get(`${BASE}/requests.json?start_date=yesterday`), 400);
  expect311Error(await get(`${BASE}/requests.xml?service_request_id=1;2`), 400, 'xml');
});

test('o311-1.7 status follows the case: open while handled, closed with the answer in status_notes', async () => {
  const r = await post('json', form({ service_code: '101', description: '请问今年的耕地地力保护补贴什么时候发放？' }));
  const id = r.body[0].service_request_id;
  const read = async () => (await get(`${BASE}/requests/${id}.json`)).body[0];
  let q = await read();
  assert.equal(q.status, 'open');
  assert.equal(q.expected_datetime, null);
  const act = async (k, code, b = {}) => {
    const x = await staff.post(`/api/v1/cases/${id}/actions/${code}`, b, { 'if-match': `"v${k.version}"` });
    expectStatus(x, 200, code);
    return x.body;
  };
  let k = (await staff.get(`/api/v1/cases/${id}`)).body;
  assert.equal(k.type, 'hotline');
  assert.equal(k.category, 'consultation');
  k = await act(k, 'dispatch', { assigneeId: staff.me.id });
  q = await read();
  assert.equal(q.status, 'open');
  assert.equal(q.status_notes, '办理中（当前环节：已派单（待签收））');
  assert.match(q.expected_datetime, ISO);
  k = await act(k, 'sign');
  const answer = '补贴预计于 5 月底前发放到一卡通。';
  k = await act(k, 'reply', { fields: { reply_content: answer } });
  assert.equal((await read()).status, 'open');
  k = await act(k, 'visit', { fields: { visit_record: '电话回访，群众满意', satisfaction: '满意' } });
  k = await act(k, 'close');
  q = await read();
  assert.equal(q.status, 'closed');
  assert.equal(q.status_notes, `已办结。答复：${answer}`);
  assert.equal(q.expected_datetime, null);
  assert.ok(Date.parse(q.updated_datetime) >= Date.parse(q.requested_datetime));
  const closed = await get(`${BASE}/requests.json?status=closed`);
  assert.ok(closed.body.some((x) => x.service_request_id === id));
  const open = await get(`${BASE}/requests.json?status=open`);
  assert.ok(!open.body.some((x) => x.service_request_id === id));
  // 重办 reopens it
  k = await act(k, 'redo', { fields: { redo_reason: '群众反映未收到' } });
  assert.equal((await read()).status, 'open');
});

test('o311-1.8 confidential requests and portal requests: no description, no position, no names', async () => {
  const f = form({ service_code: '102', description: '举报某施工队夜间违规施工。', 'attribute[confidential]': '1' });
  const r = await post('json', f);
  const id = r.body[0].service_request_id;
  const q = (await get(`${BASE}/requests/${id}.json`)).body[0];
  assert.equal(q.description, '保密诉求');
  assert.equal(q.address, null);
  assert.equal(q.lat, null);
  assert.equal(q.long, null);
  const k = (await staff.get(`/api/v1/cases/${id}`)).body;
  assert.equal(k.requester.confidential, true);
  assert.equal(k.requester.name, null);
  // a portal request is listed too, without the requester
  const p = await fetch(`${srv.url}/api/v1/portal/requests`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: '201', villageId: dengtaArea.id, content: '水塘里有死鱼，味道难闻。', name: '赵六', phone: '13612345678' }),
  });
  assert.equal(p.status, 201);
  const list = await get(`${BASE}/requests.json?service_code=201`);
  assert.ok(list.body.some((x) => x.description === '水塘里有死鱼，味道难闻。'));
  assert.ok(!list.text.includes('赵六') && !list.text.includes('13612345678'));
});

test('o311-1.9 bad POSTs: 400 with the spec\'s error list, nothing created', async () => {
  const before = count();
  expect311Error(await post('json', form({ service_code: '999' })), 400);
  expect311Error(await post('json', form({ 'attribute[village]': '' })), 400);
  expect311Error(await post('json', form({ 'attribute[village]': '500236126000' })), 400);
  expect311Error(await post('json', form({ description: '短' })), 400);
  expect311Error(await post('json', form({ description: '长'.repeat(2001) })), 400);
  expect311Error(await post('json', form({ lat: 'north' })), 400);
  expect311Error(await post('json', form({ phone: '138abc' })), 400);
  expect311Error(await post('xml', form({ 'attribute[confidential]': 'yes' })), 400, 'xml');
  const json = await fetch(`${srv.url}${BASE}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form()) });
  assert.equal(json.status, 400);
  // address_id works in place of attribute[village]
  const alt = await post('json', form({ 'attribute[village]': '', address_id: DATANG_CODE }));
  assert.equal(alt.status, 201, alt.text);
  assert.equal(count(), before + 1);
});
