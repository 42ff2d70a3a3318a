// The Roost web client. Talks only to the public API. User content is only ever set as text, never as HTML.
import { request, ApiError, LiveConnection } from './api.js';
import { Upload, MediaLinks, MAX_ATTACHMENTS, formatBytes, blurhashDataUrl } from './media.js';

const app = document.getElementById('app');
const state = {
  token: localStorage.getItem('roost.token'),
  me: null,
  conversations: new Map(), // id -> conversation
  messages: new Map(), // conversation id -> Map(seq -> message)
  pendingByClientId: new Map(), // client id -> { conversationId, body, replyTo }
  presence: new Map(), // account id -> status
  lastSeen: new Map(), // account id -> last seen time of an offline contact
  presenceChanges: 0, // live presence frames so far; a slower GET /v1/presence never overwrites a newer frame
  presenceChangedAt: new Map(), // account id -> presenceChanges when its last frame arrived
  openId: null,
  replyTo: null,
  typingTimers: new Map(),
  live: null,
  drafts: new Map(), // conversation id -> uploads attached in its composer, not sent yet
  attachmentViews: new Map(), // "conversationId:seq" -> the rendered attachments of a message (kept: a playing video plays on)
  links: new MediaLinks(() => state.token),
};

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const api = (method, path, body) => request(method, path, body, state.token);

// ---- sign-in ---------------------------------------------------------------------------------------------

function renderAuth(message = '') {
  const error = h('p', { class: 'error', role: 'alert' }, message);
  const loginForm = h('form', { 'aria-label': 'Log in', onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(loginForm);
    try {
      const login = await request('POST', '/v1/sessions', { username: data.get('username'), password: data.get('password'), deviceName: 'Web browser', platform: 'web', deviceKey: localStorage.getItem('roost.deviceKey') });
      await completeLogin(login, error);
    } catch (failure) { error.textContent = describe(failure); }
  } },
    h('h2', {}, 'Log in'),
    h('label', {}, 'Username', h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { class: 'primary', type: 'submit' }, 'Log in'));
  const registerForm = h('form', { 'aria-label': 'Register', onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(registerForm);
    try {
      await request('POST', '/v1/accounts', { username: data.get('username'), password: data.get('password') });
      const login = await request('POST', '/v1/sessions', { username: data.get('username'), password: data.get('password'), deviceName: 'Web browser', platform: 'web', deviceKey: localStorage.getItem('roost.deviceKey') });
      await completeLogin(login, error);
    } catch (failure) { error.textContent = describe(failure); }
  } },
    h('h2', {}, 'Create an account'),
    h('label', {}, 'Username', h('input', { name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 32 })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 })),
    h('button', { type: 'submit' }, 'Register'));
  app.replaceChildren(h('section', { class: 'auth' }, h('h1', {}, 'Roost'), error, loginForm, registerForm));
}

// The device key lets this browser log in past a lockout caused by others' wrong passwords; it outlives log-outs.
function keepDeviceKey(login) {
  if (login.deviceKey) localStorage.setItem('roost.deviceKey', login.deviceKey);
}

async function completeLogin(login, error) {
  keepDeviceKey(login);
  if (login.secondFactor) {
    const challenge = login.secondFactor;
    const form = h('form', { 'aria-label': 'Second factor', onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        const done = await request('POST', '/v1/sessions/second-factor', { challenge: challenge.challenge, method: data.get('method'), code: data.get('code') });
        keepDeviceKey(done);
        await startSession(done.token);
      } catch (failure) { error.textContent = describe(failure); }
    } },
      h('h2', {}, 'Two-factor authentication'),
      h('label', {}, 'Method', h('select', { name: 'method' }, challenge.methods.map((m) => h('option', { value: m }, m.replace('_', ' '))))),
      challenge.methods.includes('sms') ? h('button', { type: 'button', onclick: () => request('POST', '/v1/sessions/second-factor/sms', { challenge: challenge.challenge }).catch((f) => { error.textContent = describe(f); }) }, 'Text me a code') : null,
      h('label', {}, 'Code', h('input', { name: 'code', autocomplete: 'one-time-code', required: true })),
      h('button', { class: 'primary', type: 'submit' }, 'Verify'));
    app.replaceChildren(h('section', { class: 'auth' }, h('h1', {}, 'Roost'), error, form));
    return;
  }
  await startSession(login.token);
}

function describe(failure) {
  if (failure instanceof ApiError) {
    const fields = Object.entries(failure.errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join(' ');
    return `${failure.message} ${fields}`.trim();
  }
  return failure?.message ?? String(failure);
}

// ---- session ------------------------------------------------------------------------------------------------

async function startSession(token) {
  state.token = token;
  localStorage.setItem('roost.token', token);
  try {
    state.me = await api('GET', '/v1/account');
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401) {
      signOut('Please log in again.');
      return;
    }
    // Offline or the server is unavailable: keep the session and offer to try again.
    app.replaceChildren(h('section', { class: 'auth' }, h('p', { class: 'error', role: 'alert' }, `Cannot reach the server: ${describe(failure)}`),
      h('button', { class: 'primary', onclick: () => startSession(token) }, 'Try again')));
    return;
  }
  renderShell();
  const cursor = await loadConversations();
  state.live?.stop();
  state.live = new LiveConnection(token, {
    // Presence changes while disconnected send no frame: every (re)connection reloads it.
    onState: (status) => { renderStatus(status); if (status === 'connected') loadPresence(); },
    onEvent: handleEvent,
    onEphemeral: handleEphemeral,
    onResync: () => loadConversations().then(() => state.openId && openConversation(state.openId)),
    onSignedOut: () => signOut('Your session ended. Please log in again.'),
  });
  state.live.start(cursor);
  openLinkedConversation();
}

// The connection stops before the session ends, so the server's 4003 close never reaches it and the login page is
// drawn once (a second draw would wipe what the user has started typing).
async function logOut() {
  state.live?.stop();
  state.live = null;
  // Uploads end while the session can still remove them from the server.
  const uploads = [...[...state.drafts.values()].flat(), ...[...state.pendingByClientId.values()].flatMap((p) => p.uploads ?? [])];
  await Promise.all(uploads.map((u) => u.cancel()));
  await api('DELETE', '/v1/sessions/current').catch(() => {});
  signOut('');
}

function signOut(message) {
  state.live?.stop();
  state.live = null;
  localStorage.removeItem('roost.token');
  Object.assign(state, { token: null, me: null, openId: null });
  state.conversations.clear();
  state.messages.clear();
  state.presence.clear();
  state.lastSeen.clear();
  state.presenceChangedAt.clear();
  for (const uploads of state.drafts.values()) for (const upload of uploads) upload.cancel();
  state.drafts.clear();
  state.attachmentViews.clear();
  state.links.clear();
  renderAuth(message);
}

async function loadConversations() {
  // Every page, by id; the first page's cursor is the one to sync from (later pages only add what it already covers).
  let page = await api('GET', '/v1/conversations?limit=200');
  const cursor = page.cursor;
  state.conversations.clear();
  for (;;) {
    for (const conversation of page.conversations) state.conversations.set(conversation.id, conversation);
    if (page.nextAfter === null || page.nextAfter === undefined) break;
    page = await api('GET', `/v1/conversations?limit=200&after=${page.nextAfter}`);
  }
  renderList();
  return cursor;
}

// The contact list's dots: read on every (re)connection and whenever a conversation appears. Only the open chat's
// members are followed live (followOpenChat); the server pushes nothing about other contacts.
async function loadPresence() {
  const asOf = state.presenceChanges;
  const token = state.token;
  try {
    const list = await api('GET', '/v1/presence');
    if (state.token !== token) return; // signed out meanwhile
    for (const p of list.presence) {
      if ((state.presenceChangedAt.get(p.accountId) ?? -1) < asOf) {
        state.presence.set(p.accountId, p.status);
        if (p.lastSeenAt) state.lastSeen.set(p.accountId, p.lastSeenAt); else state.lastSeen.delete(p.accountId);
      }
    }
    renderList();
    renderPresenceLine();
  } catch { /* presence is decoration */ }
}

// ---- layout -------------------------------------------------------------------------------------------------

function renderShell() {
  app.replaceChildren(
    h('div', { class: 'shell' },
      h('nav', { class: 'sidebar', 'aria-label': 'Conversations' },
        h('header', {},
          h('strong', {}, state.me.username),
          h('span', { id: 'status', class: 'status', role: 'status' }, 'connecting'),
          h('button', { onclick: newDirect, 'aria-label': 'Start a direct chat' }, 'New chat'),
          h('button', { onclick: newGroup, 'aria-label': 'Create a group' }, 'New group'),
          h('button', { onclick: showDevices }, 'Devices'),
          h('button', { id: 'notifications', onclick: enableNotifications }, 'Enable notifications'),
          h('button', { onclick: logOut }, 'Log out')),
        h('ul', { id: 'conversations', class: 'conversations' })),
      h('section', { id: 'main', class: 'chat', 'aria-label': 'Chat' }, h('p', { class: 'empty' }, 'Pick a conversation, or start one.'))));
  listenForFiles(document.getElementById('main'));
}

function renderStatus(status) {
  const badge = document.getElementById('status');
  if (!badge) return;
  badge.textContent = status;
  badge.className = `status ${status}`;
}

function nameOf(conversation) {
  if (conversation.kind === 'group') return conversation.title ?? 'Group';
  return conversation.members.find((m) => m.accountId !== state.me.id)?.username ?? 'Direct chat';
}

function peerOf(conversation) {
  return conversation.kind === 'direct' ? conversation.members.find((m) => m.accountId !== state.me.id) : null;
}

function renderList() {
  const list = document.getElementById('conversations');
  if (!list) return;
  const sorted = [...state.conversations.values()].sort((a, b) => (b.lastMessage?.seq ?? 0) - (a.lastMessage?.seq ?? 0) || b.id - a.id);
  list.replaceChildren(...sorted.map((conversation) => {
    const peer = peerOf(conversation);
    const online = peer && state.presence.get(peer.accountId) === 'online';
    const last = conversation.lastMessage;
    const item = h('li', {
      tabindex: 0, role: 'button', class: conversation.id === state.openId ? 'active' : '',
      'data-conversation': conversation.id,
      'aria-label': `${nameOf(conversation)}, ${conversation.unreadCount} unread`,
      onclick: () => openConversation(conversation.id),
      onkeydown: (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); openConversation(conversation.id); } },
    },
      h('span', {}, peer ? h('span', { class: `dot ${online ? 'online' : ''}`, title: online ? 'online' : 'offline' }) : null, nameOf(conversation)),
      conversation.unreadCount > 0 ? h('span', { class: 'badge', 'data-unread': conversation.unreadCount }, conversation.unreadCount) : h('span'),
      h('span', { class: 'last' }, last ? (last.deletedAt ? 'message deleted' : last.body || describeAttachments(last.attachments)) : 'No messages yet'));
    return item;
  }));
}

// ---- conversations ------------------------------------------------------------------------------------------

async function newDirect() {
  const username = prompt('Chat with (username):');
  if (!username) return;
  try {
    const conversation = await api('POST', '/v1/conversations/direct', { username });
    state.conversations.set(conversation.id, conversation);
    loadPresence();
    await openConversation(conversation.id);
  } catch (failure) { alert(describe(failure)); }
}

async function newGroup() {
  const title = prompt('Group title:');
  if (!title) return;
  const members = (prompt('Members (usernames, comma separated):') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  try {
    const conversation = await api('POST', '/v1/conversations/groups', { title, members });
    state.conversations.set(conversation.id, conversation);
    loadPresence();
    await openConversation(conversation.id);
  } catch (failure) { alert(describe(failure)); }
}

async function openConversation(id) {
  state.openId = id;
  state.replyTo = null;
  const conversation = await api('GET', `/v1/conversations/${id}`);
  state.conversations.set(id, conversation);
  const page = await api('GET', `/v1/conversations/${id}/messages?limit=50`);
  if (state.openId !== id) return; // another conversation was picked meanwhile
  // Merge: live messages that arrived during the fetches stay.
  const messages = state.messages.get(id) ?? new Map();
  for (const message of page.messages) messages.set(message.seq, { ...message, ...messages.get(message.seq) });
  state.messages.set(id, messages);
  renderChat(page.hasMore);
  followOpenChat();
  markRead(id);
  renderList();
}

// Follows the presence of the open chat's other members (the server allows 100), or of nobody when no chat is open.
function followOpenChat() {
  const conversation = state.conversations.get(state.openId);
  const others = conversation ? conversation.members.filter((m) => m.accountId !== state.me.id).slice(0, 100) : [];
  state.live?.subscribePresence(others.map((m) => m.accountId));
}

function describePresence(conversation) {
  const others = conversation.members.filter((m) => m.accountId !== state.me.id);
  if (conversation.kind === 'group') {
    const online = others.filter((m) => state.presence.get(m.accountId) === 'online').length;
    return online > 0 ? `${online} online` : '';
  }
  const peer = others[0];
  if (!peer) return '';
  const status = state.presence.get(peer.accountId);
  const lastSeen = state.lastSeen.get(peer.accountId);
  if (status === 'online') return 'online';
  if (status === 'offline') return lastSeen ? `last seen ${new Date(lastSeen).toLocaleString()}` : 'offline';
  return ''; // hidden, or not known yet
}

function renderPresenceLine() {
  const line = document.getElementById('presence');
  // The header on screen may still be the previous conversation's while the next one loads.
  const conversation = state.conversations.get(state.openId);
  if (line && conversation && line.dataset.conversationId === String(conversation.id)) line.textContent = describePresence(conversation);
}

function renderChat(hasMore) {
  const conversation = state.conversations.get(state.openId);
  const main = document.getElementById('main');
  const list = h('ol', { id: 'messages', class: 'messages', 'aria-label': 'Messages', 'aria-live': 'polite', 'data-conversation-id': conversation.id });
  list.addEventListener('scroll', () => { if (list.scrollTop === 0) loadOlder(); });
  list.dataset.more = String(hasMore);
  const previous = document.getElementById('composer');
  const draft = previous && state.draftFor === state.openId ? previous.value : '';
  state.draftFor = state.openId;
  const textarea = h('textarea', { id: 'composer', 'aria-label': 'Message', placeholder: 'Write a message', rows: 2 });
  textarea.value = draft;
  let lastTyping = 0;
  textarea.addEventListener('input', () => {
    if (Date.now() - lastTyping > 2000) { state.live?.send({ type: 'typing', conversationId: conversation.id }); lastTyping = Date.now(); }
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); sendMessage(textarea, conversation.id); }
  });
  const fileInput = h('input', { id: 'attach-input', type: 'file', multiple: true, class: 'visually-hidden', tabindex: -1, 'aria-label': 'Files to attach' });
  fileInput.addEventListener('change', () => { attachFiles(conversation.id, fileInput.files); fileInput.value = ''; });
  const groupTools = conversation.kind === 'group' ? h('span', {},
    h('button', { onclick: () => addMember(conversation.id) }, 'Add member'),
    h('button', { onclick: () => removeMember(conversation.id) }, 'Remove member'),
    h('button', { onclick: () => leave(conversation.id) }, 'Leave')) : null;
  main.replaceChildren(
    h('header', {},
      h('h2', {}, nameOf(conversation)),
      h('div', { id: 'presence', class: 'presence', 'aria-live': 'polite', 'data-conversation-id': conversation.id }, describePresence(conversation)),
      h('button', { id: 'older', onclick: loadOlder, 'aria-label': 'Load older messages' }, 'Older messages'),
      h('div', { class: 'members' }, conversation.members.map((m) => m.username).join(', '), ' ', groupTools),
      h('div', { id: 'typing', class: 'typing', 'aria-live': 'polite' })),
    list,
    h('form', { class: 'composer', 'data-conversation-id': conversation.id, onsubmit: (event) => { event.preventDefault(); sendMessage(textarea, conversation.id); } },
      h('div', { id: 'replying', class: 'replying' }),
      h('ul', { id: 'attachments', class: 'uploads', 'aria-label': 'Attachments', 'aria-live': 'polite', hidden: true }),
      h('p', { id: 'composer-error', class: 'error', role: 'alert' }),
      fileInput,
      h('button', { type: 'button', class: 'attach', 'aria-label': 'Attach files', title: 'Attach photos, videos, voice notes or files', onclick: () => fileInput.click() }, '📎'),
      textarea,
      h('button', { class: 'primary', type: 'submit' }, 'Send')));
  renderTray(conversation.id);
  renderMessages(true);
}

function renderMessages(scrollToEnd) {
  const list = document.getElementById('messages');
  // The list on screen may still be the previous conversation's while the next one loads.
  if (!list || list.dataset.conversationId !== String(state.openId)) return;
  const conversation = state.conversations.get(state.openId);
  const messages = [...(state.messages.get(state.openId)?.values() ?? [])].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  const pending = [...state.pendingByClientId.values()].filter((p) => p.conversationId === state.openId);
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...messages.map((m) => renderMessage(conversation, m)), ...pending.map((p) => renderPending(p)));
  if (scrollToEnd || atBottom) list.scrollTop = list.scrollHeight;
}

function tickFor(conversation, message) {
  const others = conversation.members.filter((m) => m.accountId !== state.me.id);
  if (others.length === 0) return { text: '✓', label: 'sent' };
  if (others.every((m) => m.readSeq >= message.seq)) return { text: '✓✓', label: 'read', read: true };
  if (others.every((m) => Math.max(m.deliveredSeq, m.readSeq) >= message.seq)) return { text: '✓✓', label: 'delivered' };
  return { text: '✓', label: 'sent' };
}

function renderMessage(conversation, message) {
  const mine = message.senderId === state.me.id;
  const sender = conversation.members.find((m) => m.accountId === message.senderId)?.username ?? `#${message.senderId}`;
  const replied = message.replyTo ? state.messages.get(conversation.id)?.get(message.replyTo) : null;
  const tick = mine && !message.deletedAt ? tickFor(conversation, message) : null;
  const reactions = new Map();
  for (const r of message.reactions ?? []) reactions.set(r.emoji, (reactions.get(r.emoji) ?? 0) + 1);
  return h('li', { class: `message ${mine ? 'mine' : ''} ${message.deletedAt ? 'deleted' : ''}`, 'data-seq': message.seq },
    replied ? h('div', { class: 'reply' }, `↪ ${replied.body || (replied.deletedAt ? 'deleted message' : describeAttachments(replied.attachments))}`) : null,
    !message.deletedAt && message.attachments?.length ? attachmentsView(conversation.id, message) : null,
    message.deletedAt || message.body || !message.attachments?.length ? h('div', { class: 'body' }, message.deletedAt ? 'This message was deleted.' : message.body) : null,
    h('div', { class: 'meta' },
      h('span', {}, mine ? 'you' : sender),
      h('time', { datetime: message.sentAt }, new Date(message.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
      message.editedAt ? h('span', {}, 'edited') : null,
      tick ? h('span', { class: `ticks ${tick.read ? 'read' : ''}`, 'data-status': tick.label, 'aria-label': tick.label, title: tick.label }, tick.text) : null,
      [...reactions].map(([emoji, count]) => h('span', { class: 'reaction' }, `${emoji} ${count}`)),
      message.deletedAt ? null : h('span', { class: 'actions' },
        h('button', { 'aria-label': 'Reply', onclick: () => startReply(message) }, '↩'),
        ['👍', '❤️', '😂'].map((emoji) => h('button', { 'aria-label': `React ${emoji}`, onclick: () => react(message, emoji) }, emoji)),
        mine ? h('button', { 'aria-label': 'Edit', onclick: () => edit(message) }, '✎') : null,
        mine ? h('button', { 'aria-label': 'Delete', onclick: () => remove(message) }, '🗑') : null)));
}

function renderPending(pending) {
  const uploads = pending.uploads ?? [];
  return h('li', { class: 'message mine pending', 'data-client-id': pending.clientId },
    uploads.length ? h('ul', { class: 'uploads', 'aria-label': 'Uploads' }, uploads.map((u) => u.view)) : null,
    pending.body || !uploads.length ? h('div', { class: 'body' }, pending.body) : null,
    pending.error ? h('div', { class: 'error', role: 'alert' }, `Not sent: ${pending.error} `,
      h('button', { type: 'button', onclick: () => discardPending(pending) }, 'Discard')) : null,
    h('div', { class: 'meta' }, h('span', { class: 'ticks', 'data-status': pending.error ? 'failed' : 'pending', 'aria-label': pending.error ? 'not sent' : 'pending', title: pending.error ? 'not sent' : 'pending' }, pending.error ? '⚠' : '🕓')));
}

function discardPending(pending) {
  for (const upload of pending.uploads ?? []) upload.cancel();
  state.pendingByClientId.delete(pending.clientId);
  renderMessages(false);
}

async function loadOlder() {
  const list = document.getElementById('messages');
  if (!list || list.dataset.more !== 'true' || state.loadingOlder) return;
  state.loadingOlder = true;
  try { await loadOlderPage(list); } finally { state.loadingOlder = false; }
}

async function loadOlderPage(list) {
  const messages = state.messages.get(state.openId);
  const first = Math.min(...messages.keys());
  const page = await api('GET', `/v1/conversations/${state.openId}/messages?before=${first}&limit=50`);
  for (const message of page.messages) messages.set(message.seq, message);
  const height = list.scrollHeight;
  list.dataset.more = String(page.hasMore);
  renderMessages(false);
  list.scrollTop = list.scrollHeight - height;
}

// The composer passes its own conversation: state.openId may already name the next one while it loads.
// A message with attachments is shown as pending with its uploads, and sent once every one of them is processed.
function sendMessage(textarea, conversationId) {
  const body = textarea.value.trim();
  const uploads = state.drafts.get(conversationId) ?? [];
  if ((!body && uploads.length === 0) || !state.live) return;
  const problem = document.getElementById('composer-error');
  if (uploads.some((u) => u.state === 'failed')) {
    problem.textContent = 'Remove the files that could not be uploaded, then send again.';
    return;
  }
  problem.textContent = '';
  state.drafts.delete(conversationId);
  renderTray(conversationId);
  textarea.value = '';
  const clientId = crypto.randomUUID();
  const pending = { clientId, conversationId, body, uploads, error: null };
  state.pendingByClientId.set(clientId, pending);
  const frame = { type: 'send', conversationId, clientId, body };
  if (state.replyTo) frame.replyTo = state.replyTo.seq;
  state.replyTo = null;
  document.getElementById('replying').textContent = '';
  renderMessages(true);
  const live = state.live;
  const dispatch = (media) => {
    if (media.length > 0) frame.attachments = media.map((m) => m.id);
    if (state.live !== live) return; // signed out meanwhile
    live.request(frame).then((ack) => {
      state.pendingByClientId.delete(clientId);
      addMessage({ conversationId, seq: ack.seq, senderId: state.me.id, clientId, body, replyTo: frame.replyTo ?? null, sentAt: ack.sentAt, editedAt: null, deletedAt: null, reactions: [], ...(media.length ? { attachments: media.map(toAttachment) } : {}) });
    }, (error) => {
      if (media.length > 0) {
        pending.error = error.message ?? 'The message was refused.';
      } else {
        state.pendingByClientId.delete(clientId);
        alert(error.message ?? 'The message was not sent.');
      }
      renderMessages(false);
    });
  };
  // Text alone goes at once; with attachments, once every upload is processed.
  if (uploads.length === 0) { dispatch([]); return; }
  Promise.all(uploads.map((u) => u.done)).then(dispatch, (failure) => {
    pending.error = failure.message;
    renderMessages(false);
  });
}

// ---- attachments --------------------------------------------------------------------------------------------

const toAttachment = (m) => ({ id: m.id, kind: m.kind, contentType: m.contentType, size: m.size, name: m.name, width: m.width, height: m.height, durationMs: m.durationMs, placeholder: m.placeholder, thumbnails: m.thumbnails ?? [] });

function describeAttachments(attachments) {
  if (!attachments?.length) return '';
  const labels = { image: '📷 Photo', video: '🎬 Video', audio: '🎤 Voice note' };
  return attachments.length === 1 ? (labels[attachments[0].kind] ?? `📄 ${attachments[0].name ?? 'File'}`) : `📎 ${attachments.length} attachments`;
}

// Files from the picker, a drop or a paste: each starts uploading at once and waits in the composer's tray.
function attachFiles(conversationId, fileList) {
  const files = [...fileList];
  if (files.length === 0) return;
  const draft = state.drafts.get(conversationId) ?? [];
  state.drafts.set(conversationId, draft);
  const problem = document.getElementById('composer-error');
  if (problem) problem.textContent = '';
  if (draft.length + files.length > MAX_ATTACHMENTS) {
    if (problem) problem.textContent = `A message carries at most ${MAX_ATTACHMENTS} files; the others were not attached.`;
    files.splice(Math.max(0, MAX_ATTACHMENTS - draft.length));
  }
  for (const file of files) {
    const upload = new Upload(file, { token: state.token, accountId: state.me.id, onchange: updateUploadView });
    upload.view = uploadView(upload, () => {
      upload.cancel();
      const list = state.drafts.get(conversationId);
      if (list?.includes(upload)) { list.splice(list.indexOf(upload), 1); renderTray(conversationId); }
    });
    updateUploadView(upload);
    draft.push(upload);
  }
  renderTray(conversationId);
}

function renderTray(conversationId) {
  const tray = document.getElementById('attachments');
  if (!tray || tray.closest('form')?.dataset.conversationId !== String(conversationId)) return;
  const uploads = state.drafts.get(conversationId) ?? [];
  tray.replaceChildren(...uploads.map((u) => u.view));
  tray.hidden = uploads.length === 0;
}

// One upload's row: name, a progress bar with percentage and bytes, its state in words, and cancel/remove.
function uploadView(upload, onRemove) {
  const name = upload.file.name || 'file';
  const fill = h('div', { class: 'fill' });
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-label': `Upload of ${name}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, fill);
  const view = h('li', { class: 'upload', 'data-upload-state': upload.state },
    h('span', { class: 'name' }, name),
    bar,
    h('span', { class: 'bytes' }),
    h('span', { class: 'detail' }),
    h('button', { type: 'button', class: 'remove', onclick: onRemove }, '✕'));
  view.parts = { fill, bar, bytes: view.querySelector('.bytes'), detail: view.querySelector('.detail'), button: view.querySelector('button') };
  return view;
}

function updateUploadView(upload) {
  const view = upload.view;
  if (!view) return;
  const { fill, bar, bytes, detail, button } = view.parts;
  const name = upload.file.name || 'file';
  view.dataset.uploadState = upload.state;
  const percent = upload.percent;
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', `${percent}%, ${formatBytes(upload.sent)} of ${formatBytes(upload.file.size)}`);
  fill.style.width = `${percent}%`;
  bytes.textContent = `${percent}% · ${formatBytes(upload.sent)} of ${formatBytes(upload.file.size)}`;
  detail.textContent = upload.detail;
  detail.className = upload.state === 'failed' ? 'detail error' : 'detail';
  detail.setAttribute('role', upload.state === 'failed' ? 'alert' : 'status');
  button.setAttribute('aria-label', upload.state === 'uploading' || upload.state === 'paused' || upload.state === 'processing' ? `Cancel the upload of ${name}` : `Remove ${name}`);
}

// The chat takes files dropped on it and pasted into it (e.g. a screenshot), for the conversation whose composer
// is on screen.
function listenForFiles(main) {
  const composerConversation = () => document.getElementById('composer')?.closest('form')?.dataset.conversationId;
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  main.addEventListener('dragover', (event) => {
    if (!hasFiles(event) || !composerConversation()) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    main.classList.add('dropping');
  });
  main.addEventListener('dragleave', (event) => { if (!main.contains(event.relatedTarget)) main.classList.remove('dropping'); });
  main.addEventListener('drop', (event) => {
    main.classList.remove('dropping');
    const id = composerConversation();
    if (!id || !event.dataTransfer?.files.length) return;
    event.preventDefault();
    attachFiles(Number(id), event.dataTransfer.files);
  });
  main.addEventListener('paste', (event) => {
    const id = composerConversation();
    if (!id || !event.clipboardData?.files.length) return;
    event.preventDefault();
    attachFiles(Number(id), event.clipboardData.files);
  });
}

// A file dropped anywhere else must not make the browser leave the app to show it.
window.addEventListener('dragover', (event) => { if ([...(event.dataTransfer?.types ?? [])].includes('Files')) event.preventDefault(); });
window.addEventListener('drop', (event) => event.preventDefault());

// The attachments of a message, built once and kept (re-rendering the list moves them, so a video keeps playing).
function attachmentsView(conversationId, message) {
  const key = `${conversationId}:${message.seq}`;
  const known = state.attachmentViews.get(key);
  if (known && known.ids === message.attachments.map((a) => a.id).join()) return known.view;
  const view = h('div', { class: 'attachments' }, message.attachments.map((a) => {
    const item = attachmentView(a);
    item.dataset.mediaId = a.id;
    item.dataset.kind = a.kind;
    return item;
  }));
  state.attachmentViews.set(key, { ids: message.attachments.map((a) => a.id).join(), view });
  return view;
}

// Fits width × height into a square of `box` pixels (never enlarging).
function fit(width, height, box) {
  if (!width || !height) return {};
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const THUMBNAIL_BOX = 240;

function attachmentView(attachment) {
  const name = attachment.name ?? '';
  switch (attachment.kind) {
    case 'image': {
      // The smallest thumbnail that is sharp at this screen's density, else the largest (else the file).
      const needed = THUMBNAIL_BOX * (window.devicePixelRatio || 1);
      const thumbnails = [...(attachment.thumbnails ?? [])].sort((a, b) => a.size - b.size);
      const thumbnail = thumbnails.find((t) => t.size >= needed) ?? thumbnails.at(-1);
      const size = fit(thumbnail?.width ?? attachment.width, thumbnail?.height ?? attachment.height, THUMBNAIL_BOX);
      const image = h('img', { class: 'thumbnail', alt: name || 'Photo', ...size, decoding: 'async' });
      const placeholder = blurhashDataUrl(attachment.placeholder);
      if (placeholder) {
        image.style.backgroundImage = `url("${placeholder}")`;
        image.addEventListener('load', () => { image.style.backgroundImage = ''; }, { once: true });
      }
      setSource(image, attachment, thumbnail?.size ?? null);
      return h('button', { type: 'button', class: 'media-open', 'aria-label': `Open ${name || 'the photo'}`, onclick: () => openViewer(attachment) }, image);
    }
    case 'video': {
      const video = h('video', { controls: true, preload: 'metadata', 'aria-label': name || 'Video', ...fit(attachment.width, attachment.height, 320) });
      setSource(video, attachment, null);
      return h('figure', { class: 'media video' }, video);
    }
    case 'audio': {
      const audio = h('audio', { controls: true, preload: 'metadata', 'aria-label': `Voice note${name ? ` ${name}` : ''}` });
      setSource(audio, attachment, null);
      return h('figure', { class: 'media audio' }, audio,
        attachment.durationMs ? h('figcaption', {}, formatDuration(attachment.durationMs)) : null);
    }
    default: {
      const link = h('a', { class: 'file', download: name || true, 'aria-label': `Download ${name || 'file'}, ${formatBytes(attachment.size)}` },
        h('span', { class: 'icon', 'aria-hidden': 'true' }, '📄'), h('span', { class: 'name' }, name || 'File'), h('span', { class: 'size' }, formatBytes(attachment.size)));
      setSource(link, attachment, null, 'href');
      return link;
    }
  }
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// Points an element at a media URL (a signed link); a link that expired while shown is asked for again, once. A
// failed request for links is tried again a few times (after the network is back).
async function setSource(element, attachment, size, attribute = 'src', attempt = 0) {
  try {
    element.setAttribute(attribute, await state.links.url(attachment, size));
    element.classList.remove('unavailable');
  } catch (failure) {
    element.classList.add('unavailable');
    element.title = failure?.message ?? 'This media is not available.';
    if (!failure?.unavailable && attempt < 4 && state.token) {
      if (!navigator.onLine) await new Promise((resolve) => window.addEventListener('online', resolve, { once: true }));
      setTimeout(() => setSource(element, attachment, size, attribute, attempt + 1), 1000 * 2 ** attempt);
    }
    return;
  }
  if (attribute !== 'src' || element.dataset.watched) return;
  element.dataset.watched = 'true';
  element.addEventListener('error', () => {
    if (element.dataset.retried) return;
    element.dataset.retried = 'true';
    const position = element.currentTime;
    state.links.invalidate(attachment.id);
    setSource(element, attachment, size).then(() => { if (position) element.currentTime = position; });
  });
}

// The full photo in a modal dialog (Esc or the button closes it).
function openViewer(attachment) {
  let dialog = document.getElementById('viewer');
  if (!dialog) {
    dialog = h('dialog', { id: 'viewer', class: 'viewer', 'aria-label': 'Photo' },
      h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => dialog.close() }, '✕'),
      h('img', { alt: '' }));
    dialog.addEventListener('click', (event) => { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener('close', () => dialog.querySelector('img').removeAttribute('src'));
    document.body.append(dialog);
  }
  const image = dialog.querySelector('img');
  image.removeAttribute('src');
  delete image.dataset.retried;
  image.alt = attachment.name || 'Photo';
  for (const [key, value] of Object.entries(fit(attachment.width, attachment.height, 100_000))) image.setAttribute(key, String(value));
  dialog.showModal();
  setSource(image, attachment, null);
}

function startReply(message) {
  state.replyTo = message;
  document.getElementById('replying').textContent = `Replying to: ${message.body}`;
  document.getElementById('composer').focus();
}

function react(message, emoji) {
  const mine = (message.reactions ?? []).find((r) => r.accountId === state.me.id);
  state.live?.request({ type: 'react', conversationId: message.conversationId, seq: message.seq, emoji: mine?.emoji === emoji ? null : emoji }).catch((e) => alert(e.message));
}

function edit(message) {
  const body = prompt('Edit message:', message.body);
  if (body && body !== message.body) state.live?.request({ type: 'edit', conversationId: message.conversationId, seq: message.seq, body }).catch((e) => alert(e.message));
}

function remove(message) {
  if (confirm('Delete this message for everyone?')) state.live?.request({ type: 'delete', conversationId: message.conversationId, seq: message.seq }).catch((e) => alert(e.message));
}

async function addMember(id) {
  const username = prompt('Add (username):');
  if (!username) return;
  try { state.conversations.set(id, await api('POST', `/v1/conversations/${id}/members`, { usernames: [username] })); renderChat(false); } catch (f) { alert(describe(f)); }
}

async function removeMember(id) {
  const username = prompt('Remove (username):');
  const member = state.conversations.get(id).members.find((m) => m.username === username);
  if (!member) return;
  try { await api('DELETE', `/v1/conversations/${id}/members/${member.accountId}`); await openConversation(id); } catch (f) { alert(describe(f)); }
}

async function leave(id) {
  try { await api('POST', `/v1/conversations/${id}/leave`); state.conversations.delete(id); state.openId = null; followOpenChat(); renderShell(); renderList(); } catch (f) { alert(describe(f)); }
}

function markRead(id) {
  const conversation = state.conversations.get(id);
  const messages = state.messages.get(id);
  if (!conversation || !messages || messages.size === 0 || document.hidden) return;
  const last = Math.max(...messages.keys());
  if (last > conversation.readSeq) {
    conversation.readSeq = last;
    conversation.unreadCount = 0;
    // A request, not fire-and-forget: kept and resent after a reconnect, so the read mark is never lost.
    state.live?.request({ type: 'read', conversationId: id, seq: last }).catch(() => {});
    renderList();
  }
}

document.addEventListener('visibilitychange', () => { if (state.openId) markRead(state.openId); });

// ---- live events --------------------------------------------------------------------------------------------

function addMessage(message) {
  const messages = state.messages.get(message.conversationId);
  if (messages) messages.set(message.seq, { ...messages.get(message.seq), ...message });
  const conversation = state.conversations.get(message.conversationId);
  if (conversation && (!conversation.lastMessage || conversation.lastMessage.seq <= message.seq)) conversation.lastMessage = message;
  if (message.conversationId === state.openId) renderMessages(false);
  renderList();
}

function handleEvent(event) {
  switch (event.type) {
    case 'message.created': {
      const message = event.message;
      state.pendingByClientId.delete(message.clientId);
      const conversation = state.conversations.get(message.conversationId);
      if (!conversation) { loadConversations(); return; }
      const known = state.messages.get(message.conversationId)?.has(message.seq);
      addMessage(message);
      if (message.senderId !== state.me.id && !known) {
        state.live?.send({ type: 'delivered', conversationId: message.conversationId, seq: message.seq });
        if (message.conversationId === state.openId) markRead(message.conversationId);
        else { conversation.unreadCount += 1; renderList(); }
      }
      const typing = document.getElementById('typing');
      if (typing && message.conversationId === state.openId) typing.textContent = '';
      return;
    }
    case 'message.edited':
    case 'message.deleted':
    case 'reaction': {
      const change = event.type === 'message.edited' ? { body: event.body, editedAt: event.editedAt }
        : event.type === 'message.deleted' ? { body: null, deletedAt: event.deletedAt, reactions: [] } : null;
      const conversation = state.conversations.get(event.conversationId);
      if (change && conversation?.lastMessage?.seq === event.seq) { Object.assign(conversation.lastMessage, change); renderList(); }
      const message = state.messages.get(event.conversationId)?.get(event.seq);
      if (!message) return;
      if (change) Object.assign(message, change);
      if (event.type === 'reaction') {
        message.reactions = (message.reactions ?? []).filter((r) => r.accountId !== event.accountId);
        if (event.emoji) message.reactions.push({ accountId: event.accountId, emoji: event.emoji });
      }
      if (event.conversationId === state.openId) renderMessages(false);
      return;
    }
    case 'receipt': {
      const member = state.conversations.get(event.conversationId)?.members.find((m) => m.accountId === event.accountId);
      if (member) {
        if (event.kind === 'read') member.readSeq = Math.max(member.readSeq, event.seq);
        member.deliveredSeq = Math.max(member.deliveredSeq, event.seq);
      }
      if (event.conversationId === state.openId) renderMessages(false);
      return;
    }
    default:
      // Membership and conversation changes: reload what they touch; new members' presence too.
      loadConversations().then(() => { if (event.conversationId === state.openId) openConversation(state.openId).catch(() => {}); });
      if (event.type === 'conversation.created' || event.type === 'member.added') loadPresence();
  }
}

function handleEphemeral(frame) {
  if (frame.type === 'presence') {
    state.presenceChangedAt.set(frame.accountId, ++state.presenceChanges);
    state.presence.set(frame.accountId, frame.status);
    if (frame.lastSeenAt) state.lastSeen.set(frame.accountId, frame.lastSeenAt); else state.lastSeen.delete(frame.accountId);
    renderList();
    renderPresenceLine();
    return;
  }
  if (frame.type === 'typing' && frame.conversationId === state.openId) {
    const conversation = state.conversations.get(frame.conversationId);
    const who = conversation?.members.find((m) => m.accountId === frame.accountId)?.username ?? 'Someone';
    const typing = document.getElementById('typing');
    if (!typing) return;
    typing.textContent = `${who} is typing…`;
    clearTimeout(state.typingTimers.get(frame.conversationId));
    state.typingTimers.set(frame.conversationId, setTimeout(() => { if (typing.isConnected) typing.textContent = ''; }, frame.expiresInMs));
  }
}

// ---- notifications ----------------------------------------------------------------------------------------

// Registers the service worker and a Web Push subscription with the server's VAPID key, and hands it to the server
// as this session's push target. The push service sees only ids and counts (and a preview if the account opted in),
// encrypted to this browser.
async function enableNotifications() {
  const button = document.getElementById('notifications');
  try {
    if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error('This browser cannot receive push notifications.');
    if (await Notification.requestPermission() !== 'granted') throw new Error('Notifications are blocked for this site.');
    const { publicKey } = await request('GET', '/v1/push/vapid-key');
    const registration = await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    const applicationServerKey = fromBase64Url(publicKey);
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameBytes(subscription.options?.applicationServerKey, applicationServerKey)) {
      await subscription.unsubscribe(); // made for another server key: it would be refused
      subscription = null;
    }
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
    await api('PUT', '/v1/push/target', { platform: 'webpush', ...subscription.toJSON() });
    if (button) { button.textContent = 'Notifications on'; button.disabled = true; }
  } catch (failure) {
    alert(describe(failure));
  }
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function sameBytes(buffer, bytes) {
  if (!buffer) return false;
  const other = new Uint8Array(buffer);
  return other.length === bytes.length && other.every((b, i) => b === bytes[i]);
}

// A notification clicked while the app was closed opens it at #conversation=ID; with a tab open, the worker asks it.
function openLinkedConversation() {
  const match = /^#conversation=(\d+)$/.exec(location.hash);
  if (match) {
    history.replaceState(null, '', '/');
    openConversation(Number(match[1])).catch(() => {});
  }
}

navigator.serviceWorker?.addEventListener('message', (event) => {
  if (event.data?.type === 'open-conversation' && event.data.conversationId && state.me) openConversation(event.data.conversationId).catch(() => {});
});

// ---- devices ------------------------------------------------------------------------------------------------

async function showDevices() {
  const main = document.getElementById('main');
  state.openId = null;
  followOpenChat();
  renderList();
  const { devices } = await api('GET', '/v1/devices');
  main.replaceChildren(h('section', { class: 'panel', 'aria-label': 'Devices' },
    h('h2', {}, 'Devices'),
    h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Platform', 'Verified by', 'Last seen', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, devices.map((d) => h('tr', {},
        h('td', {}, d.name, d.current ? ' (this device)' : ''),
        h('td', {}, d.platform),
        h('td', {}, d.verifiedBy),
        h('td', {}, new Date(d.lastSeenAt).toLocaleString()),
        h('td', {}, d.current ? '' : h('button', { onclick: async () => { await api('DELETE', `/v1/devices/${d.id}`); showDevices(); } }, 'Revoke')))))),
    await twoFactorSection()));
}

// ---- two-factor authentication ------------------------------------------------------------------------------

async function twoFactorSection() {
  const status = await api('GET', '/v1/account/2fa');
  const message = h('p', { class: 'error', role: 'alert' });
  const section = h('section', { 'aria-label': 'Two-factor authentication' },
    h('h2', {}, 'Two-factor authentication'),
    h('p', { id: 'twofactor-status' }, status.totp || status.sms
      ? `On (${[status.totp ? 'authenticator app' : null, status.sms ? 'SMS' : null].filter(Boolean).join(', ')}); ${status.recoveryCodesLeft} recovery codes left.`
      : 'Off.'),
    message);
  if (!status.totp) {
    const form = h('form', { 'aria-label': 'Set up an authenticator app', onsubmit: async (event) => {
      event.preventDefault();
      try {
        const enrolment = await api('POST', '/v1/account/2fa/totp', { password: new FormData(form).get('password') });
        form.replaceWith(confirmTotp(enrolment, message));
      } catch (failure) { message.textContent = describe(failure); }
    } },
      h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      h('button', { type: 'submit' }, 'Set up an authenticator app'));
    section.append(form);
  } else {
    const form = h('form', { 'aria-label': 'Turn two-factor authentication off', onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        await api('POST', '/v1/account/2fa/disable', { password: data.get('password'), method: 'totp', code: data.get('code') });
        showDevices();
      } catch (failure) { message.textContent = describe(failure); }
    } },
      h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      h('label', {}, 'Authenticator code', h('input', { name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true })),
      h('button', { type: 'submit' }, 'Turn off'));
    section.append(form);
  }
  return section;
}

function confirmTotp(enrolment, message) {
  const form = h('form', { 'aria-label': 'Confirm the authenticator app', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const result = await api('POST', '/v1/account/2fa/totp/confirm', { code: new FormData(form).get('code') });
      form.replaceWith(h('div', { id: 'recovery-codes' },
        h('p', {}, 'Authenticator app on. Keep these recovery codes somewhere safe; each works once and they are shown only now:'),
        h('ul', {}, result.recoveryCodes.map((code) => h('li', {}, h('code', {}, code)))),
        h('button', { onclick: showDevices }, 'Done')));
    } catch (failure) { message.textContent = describe(failure); }
  } },
    h('p', {}, 'Scan this code with an authenticator app, or enter the key by hand, then type the code it shows.'),
    h('img', { src: `data:image/png;base64,${enrolment.qrCodePng}`, alt: 'QR code of the authenticator key', width: 180, height: 180 }),
    h('p', {}, 'Key: ', h('code', { id: 'totp-secret' }, enrolment.secret)),
    h('label', {}, 'Code', h('input', { name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true })),
    h('button', { class: 'primary', type: 'submit' }, 'Turn on'));
  return form;
}

// ---- start --------------------------------------------------------------------------------------------------

if (state.token) startSession(state.token); else renderAuth();
