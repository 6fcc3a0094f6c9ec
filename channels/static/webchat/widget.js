// Atende webchat widget: the page at /chat, or embedded in an agency portal with
// <script src="https://<atende>/chat/widget.js" defer></script> (a floating "Atendimento" button).
// Talks to WS /ws/chat; the conversation token stays in this browser to resume after a reload.
(() => {
  'use strict';
  const script = document.currentScript;
  const origin = new URL(script.src, location.href).origin;
  const wsUrl = `${origin.replace(/^http/, 'ws')}/ws/chat`;
  const TOKEN_KEY = 'atende.chat.token';
  const MAX_BYTES = 20 * 1024 * 1024;
  const AUTHORS = { citizen: 'Você', bot: 'Assistente virtual', system: 'Atendimento', agent: 'Atendente' };

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    for (const child of children) if (child !== undefined && child !== null) node.append(child);
    return node;
  };

  // ------------------------------------------------------------------ layout

  let root = script.dataset.target ? document.getElementById(script.dataset.target) : null;
  if (!root) {
    if (!document.querySelector('link[data-atende-chat]')) {
      document.head.append(el('link', { rel: 'stylesheet', href: `${origin}/chat/widget.css`, 'data-atende-chat': '' }));
    }
    root = el('section', { class: 'atende-chat atende-chat--floating', 'aria-label': 'Atendimento online', hidden: '' });
    const toggle = el('button', { class: 'atende-toggle', type: 'button', 'aria-expanded': 'false' }, 'Atendimento');
    toggle.addEventListener('click', () => {
      const open = root.hasAttribute('hidden');
      root.toggleAttribute('hidden', !open);
      toggle.setAttribute('aria-expanded', String(open));
      if (open) start();
    });
    document.body.append(toggle, root);
  }

  const status = el('p', { class: 'atende-status', role: 'status' }, 'Conectando…');
  const log = el('ol', { class: 'atende-log', 'aria-live': 'polite', 'aria-label': 'Mensagens' });
  const typing = el('p', { class: 'atende-typing', hidden: '' }, 'Atendente digitando…');
  const formError = el('p', { class: 'atende-error', role: 'alert' });
  const field = (label, name, type, extra = {}) =>
    el('label', { class: 'atende-field' }, label, el('input', { name, type, required: '', ...extra }));
  const identify = el(
    'form',
    { class: 'atende-identify', hidden: '', novalidate: '' },
    el('p', {}, 'Para começar, informe seus dados. Não pedimos senha.'),
    field('Nome completo', 'name', 'text', { autocomplete: 'name', maxlength: '120' }),
    field('E-mail', 'email', 'email', { autocomplete: 'email', maxlength: '200' }),
    field('CPF', 'cpf', 'text', { inputmode: 'numeric', autocomplete: 'off', maxlength: '14', placeholder: '000.000.000-00' }),
    formError,
    el('button', { type: 'submit' }, 'Iniciar atendimento'),
  );
  const text = el('textarea', { name: 'text', rows: '2', maxlength: '4000', placeholder: 'Escreva sua mensagem', 'aria-label': 'Mensagem' });
  const file = el('input', { type: 'file', hidden: '', accept: 'image/*,audio/*,video/*,.pdf,.docx,.xlsx,.odt,.ods' });
  const attach = el('button', { type: 'button', class: 'atende-attach', title: 'Anexar arquivo (até 20 MB)' }, 'Anexar');
  const composer = el('form', { class: 'atende-composer', hidden: '' }, attach, file, text, el('button', { type: 'submit' }, 'Enviar'));
  root.append(el('header', { class: 'atende-header' }, el('h1', {}, 'Atendimento online'), status), log, typing, identify, composer);

  // ------------------------------------------------------------------ state

  let socket;
  let started = false;
  let retry = 0;
  let token = localStorage.getItem(TOKEN_KEY);
  let lastTyping = 0;
  let typingTimer;
  const items = new Map(); // message id or client id → <li>
  const unread = [];

  const send = (message) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const show = (node, visible) => node.toggleAttribute('hidden', !visible);
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

  function start() {
    if (started) return;
    started = true;
    connect();
  }

  function connect() {
    status.textContent = 'Conectando…';
    socket = new WebSocket(wsUrl);
    socket.addEventListener('open', () => {
      retry = 0;
      status.textContent = 'Conectado';
      if (token) send({ type: 'resume', token });
      else show(identify, true);
    });
    socket.addEventListener('message', (event) => receive(JSON.parse(event.data)));
    socket.addEventListener('close', () => {
      status.textContent = 'Sem conexão; tentando de novo…';
      setTimeout(connect, Math.min(15000, 1000 * 2 ** retry++));
    });
  }

  // ------------------------------------------------------------------ server messages

  function receive(message) {
    switch (message.type) {
      case 'identified':
        token = message.token;
        localStorage.setItem(TOKEN_KEY, token);
        show(identify, false);
        show(composer, true);
        break;
      case 'resumed':
        log.replaceChildren();
        items.clear();
        for (const m of message.messages) render(m);
        show(identify, false);
        show(composer, true);
        markRead();
        break;
      case 'ack':
        if (message.clientId && items.has(message.clientId)) {
          const li = items.get(message.clientId);
          items.delete(message.clientId);
          li.dataset.id = message.message.id;
          items.set(message.message.id, li);
          setTick(li, message.message.status);
        }
        break;
      case 'message':
        render(message.message);
        if (message.message.direction === 'out') {
          send({ type: 'received', messageIds: [message.message.id] });
          unread.push(message.message.id);
          markRead();
          show(typing, false);
        }
        break;
      case 'typing':
        show(typing, true);
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => show(typing, false), 4000);
        break;
      case 'read':
        for (const id of message.messageIds) if (items.has(id)) setTick(items.get(id), 'read');
        break;
      case 'closed':
        notice(message.reason === 'inactivity' ? 'Conversa encerrada por inatividade.' : 'Atendimento encerrado.');
        break;
      case 'error':
        failed(message);
        break;
      default:
        break;
    }
  }

  function failed(message) {
    const error = message.error || {};
    if (error.code === 'unknown_conversation' || error.code === 'not_identified') {
      token = null;
      localStorage.removeItem(TOKEN_KEY);
      show(composer, false);
      show(identify, true);
      return;
    }
    if (message.requestId === 'identify') {
      const fields = (error.details && error.details.fields) || [];
      formError.textContent = fields.length ? fields.map((f) => f.message).join('; ') : error.message;
      return;
    }
    if (message.clientId && items.has(message.clientId)) items.get(message.clientId).classList.add('atende-failed');
    notice(error.message || 'Não foi possível enviar.');
  }

  function notice(textContent) {
    log.append(el('li', { class: 'atende-notice' }, textContent));
    log.scrollTop = log.scrollHeight;
  }

  function render(m) {
    if (m.id && items.has(m.id)) return;
    const author = m.author === 'agent' ? m.authorName || AUTHORS.agent : AUTHORS[m.author] || '';
    const li = el('li', { class: `atende-msg atende-msg--${m.author}`, 'data-id': m.id });
    li.append(el('span', { class: 'atende-author' }, author));
    if (m.text) li.append(el('p', { class: 'atende-text' }, ...formatted(m.text)));
    for (const a of m.attachments || []) {
      const href = `${origin}${a.url}?token=${encodeURIComponent(token || '')}`;
      li.append(
        a.mimeType.startsWith('image/')
          ? el('a', { href, target: '_blank', rel: 'noopener' }, el('img', { src: href, alt: a.fileName, class: 'atende-image' }))
          : el('a', { href, target: '_blank', rel: 'noopener', class: 'atende-file' }, `${a.fileName} (${Math.ceil(a.sizeBytes / 1024)} KB)`),
      );
    }
    const options = optionsOf(m.content);
    if (options.length) {
      const group = el('div', { class: 'atende-options', role: 'group', 'aria-label': 'Opções' });
      for (const o of options) {
        group.append(el('button', { type: 'button', title: o.description || o.title, onclick: () => choose(o) }, o.description ? `${o.title} — ${o.description}` : o.title));
      }
      li.append(group);
    }
    li.append(el('time', { datetime: m.createdAt }, new Date(m.createdAt).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' })));
    if (m.direction === 'in') setTick(li, m.readAt ? 'read' : m.status);
    items.set(m.id, li);
    log.append(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  /** WhatsApp-style *bold* as <strong>; everything else stays plain text (never HTML). */
  function formatted(value) {
    return value.split(/\*([^*\n]+)\*/).map((part, i) => (i % 2 === 1 ? el('strong', {}, part) : part));
  }

  function optionsOf(content) {
    if (!content) return [];
    if (content.type === 'buttons') return content.buttons;
    if (content.type === 'list') return content.sections.flatMap((s) => s.rows);
    return [];
  }

  function setTick(li, state) {
    let tick = li.querySelector('.atende-tick');
    if (!tick) li.append((tick = el('span', { class: 'atende-tick' })));
    tick.textContent = state === 'read' ? '✓✓ lida' : state === 'pending' ? '…' : '✓';
    tick.setAttribute('aria-label', state === 'read' ? 'lida pelo atendente' : 'enviada');
  }

  function markRead() {
    if (!unread.length || document.visibilityState !== 'visible' || !document.hasFocus()) return;
    send({ type: 'read', upTo: unread[unread.length - 1] });
    unread.length = 0;
  }
  document.addEventListener('visibilitychange', markRead);
  window.addEventListener('focus', markRead);

  // ------------------------------------------------------------------ citizen actions

  function pending(textContent, clientId) {
    const li = render({ id: clientId, author: 'citizen', direction: 'in', text: textContent, status: 'pending', createdAt: new Date().toISOString(), attachments: [] });
    return li;
  }

  function choose(option) {
    const clientId = newId();
    pending(option.title, clientId);
    send({ type: 'choose', optionId: option.id, title: option.title, clientId });
  }

  identify.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(identify);
    const cpf = String(data.get('cpf') || '').replace(/\D/g, '');
    if (!validCpf(cpf)) {
      formError.textContent = 'CPF inválido: confira os números.';
      return;
    }
    formError.textContent = '';
    send({ type: 'identify', name: String(data.get('name') || '').trim(), email: String(data.get('email') || '').trim(), cpf, requestId: 'identify' });
  });
  identify.elements.cpf.addEventListener('input', (event) => {
    const d = event.target.value.replace(/\D/g, '').slice(0, 11);
    event.target.value = d.replace(/^(\d{3})(\d)/, '$1.$2').replace(/^(\d{3})\.(\d{3})(\d)/, '$1.$2.$3').replace(/\.(\d{3})(\d)/, '.$1-$2');
  });

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    const clientId = newId();
    pending(value, clientId);
    send({ type: 'text', text: value, clientId });
    text.value = '';
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  text.addEventListener('input', () => {
    if (Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      send({ type: 'typing' });
    }
  });

  attach.addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const chosen = file.files && file.files[0];
    file.value = '';
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) return notice('O arquivo excede o limite de 20 MB.');
    const response = await fetch(`${origin}/chat/attachments`, {
      method: 'POST',
      headers: { 'x-chat-token': token || '', 'x-file-name': encodeURIComponent(chosen.name), 'content-type': chosen.type || 'application/octet-stream' },
      body: chosen,
    }).catch(() => undefined);
    const answer = response ? await response.json().catch(() => ({})) : {};
    if (!response || !response.ok) return notice((answer.error && answer.error.message) || 'Não foi possível enviar o arquivo.');
    const clientId = newId();
    const caption = text.value.trim();
    pending(caption ? `${caption} (${chosen.name})` : chosen.name, clientId);
    send({ type: 'text', ...(caption ? { text: caption } : {}), attachmentIds: [answer.id], clientId });
    text.value = '';
  });

  function validCpf(cpf) {
    if (!/^\d{11}$/.test(cpf) || /^(\d)\1{10}$/.test(cpf)) return false;
    const digit = (length) => {
      let sum = 0;
      for (let i = 0; i < length; i++) sum += Number(cpf[i]) * (length + 1 - i);
      const rest = (sum * 10) % 11;
      return rest === 10 ? 0 : rest;
    };
    return digit(9) === Number(cpf[9]) && digit(10) === Number(cpf[10]);
  }

  if (script.dataset.target) start();
})();
