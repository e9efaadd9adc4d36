// timelineUtil.js - how a timeline event of a case reads in Chinese (docs/api.md
// "Cases": kinds create, action, document, attachment, link, merge, merged).  Events that
// are not workflow actions carry what they are about in `comment` (the file
// name) and `data` ({caseId, serial, title} of the other case).
const TITLES = {
  create: '登记',
  document: '文书',
  attachment: '上传附件',
  link: '关联办件',
  merge: '合并为重复件',
  merged: '并入重复件',
};

// The event's heading: the action's name, or what kind of event it is.
export function eventTitle(e) {
  if (e.kind === 'action') return e.actionName || e.action || '办理';
  return TITLES[e.kind] || e.actionName || e.kind;
}

const other = (e) => {
  const d = e.data || {};
  return d.serial ? `${d.serial}${d.title ? `（${d.title}）` : ''}` : '';
};

// One line saying what a non-action event did, or '' for workflow actions
// (those show their states, fields and 办理意见 instead).
export function eventDetail(e) {
  switch (e.kind) {
    case 'attachment': return `附件：${e.comment || ''}`;
    case 'link': return `与 ${other(e)} 关联`;
    case 'merge': return `作为 ${other(e)} 的重复件合并，本件关闭为“已合并”`;
    case 'merged': return `重复件 ${other(e)} 并入本件，其办理过程一并列出`;
    default: return '';
  }
}

// True when `comment` is the event's 办理意见 (not the file name of an attachment event).
export const hasOpinion = (e) => !!e.comment && e.kind !== 'attachment';
