// The liaison inbox (/liaison) in the browser: live arrival through the official SignalR client on the dispatch hub
// (resume by delivery number, repeats ignored), SLA countdowns from the server's clock, an opt-in sound, browser
// notifications, and drafts that survive a refresh. The page itself is static: it is refreshed by enhanced navigation.
// Text from the server only ever goes in through textContent.
import { loadScript } from './load.js';

const retryMs = [0, 1000, 2000, 5000, 10_000, 20_000, 30_000];
const refreshSettleMs = 300;

let started = false;
let stopped = false;
let connection = null;
let district = '';
let lastSeq = 0;
let resuming = null;
let buffered = [];
let live = 'connecting';
let offsetMs = 0;
let audio = null;
let refreshTimer = 0;
let renderedAt = 0;
const fresh = new Set();

export async function start() {
    if (started) return;
    const root = document.getElementById('liaison');
    if (!root) return;
    started = true;
    district = root.dataset.district;
    lastSeq = Number(localStorage.getItem(seqKey()) || 0);
    syncPage();
    Blazor.addEventListener('enhancedload', syncPage);
    document.addEventListener('click', onClick);
    document.addEventListener('input', saveDraft);
    setInterval(tick, 1000);
    window.addEventListener('online', () => { if (connection?.state === 'Disconnected') connect(0); });
    await loadScript('lib/signalr/signalr.min.js');
    connect(0);
}

// --- the hub -------------------------------------------------------------------------------------------------------

async function connect(attempt) {
    if (!connection) {
        connection = new signalR.HubConnectionBuilder()
            .withUrl(rootEl().dataset.hub)
            // Never give up: a phone may be out of coverage for a long time.
            .withAutomaticReconnect({ nextRetryDelayInMilliseconds: c => retryMs[Math.min(c.previousRetryCount, retryMs.length - 1)] })
            .configureLogging(signalR.LogLevel.Warning)
            .build();
        connection.on('Delivery', message => onDelivery(message));
        connection.onreconnecting(() => setLive('reconnecting'));
        connection.onreconnected(() => { setLive('live'); resume(); });
        connection.onclose(() => { setLive('offline'); if (!stopped) setTimeout(() => connect(1), retryMs[1]); });
    }
    if (stopped || connection.state !== 'Disconnected') return;
    try {
        setLive(attempt === 0 ? 'connecting' : 'reconnecting');
        await connection.start();
        setLive('live');
        await resume();
    } catch {
        setLive('offline');
        setTimeout(() => connect(attempt + 1), retryMs[Math.min(attempt + 1, retryMs.length - 1)] || 1000);
    }
}

// Everything after the last number this browser saw, in order; live pushes wait until it is done.
function resume() {
    if (resuming) return resuming;
    resuming = (async () => {
        // First visit: what happened before is already on the page; take it in silently.
        const quiet = localStorage.getItem(seqKey()) === null;
        try {
            for (let page = 0; page < 100; page++) {
                const batch = await connection.invoke('Resume', lastSeq);
                if (!batch || batch.length === 0) break;
                accept(batch, quiet);
            }
            localStorage.setItem(seqKey(), String(lastSeq));
        } catch {
            // The connection dropped mid-way; reconnecting resumes again.
        } finally {
            resuming = null;
            const waiting = buffered;
            buffered = [];
            if (waiting.length) onDeliveries(waiting);
        }
    })();
    return resuming;
}

function onDelivery(message) {
    onDeliveries([message]);
}

function onDeliveries(messages) {
    if (resuming) { buffered.push(...messages); return; }
    // A gap means a push was missed: ask for everything after the last number instead.
    if (messages.some(m => m.seq > lastSeq + 1)) { resume(); return; }
    accept(messages, false);
}

function accept(messages, quiet) {
    let changed = false;
    for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
        if (m.seq <= lastSeq) continue; // at-least-once: a repeat
        lastSeq = m.seq;
        const target = m.target || {};
        const state = String(target.state || '').toLowerCase();
        if (m.kind === 'issued' && state === 'sent') {
            connection.invoke('Received', target.targetId).catch(() => { /* confirmed on the next delivery or by acknowledging */ });
        }
        if (quiet) continue;
        if (Date.parse(m.at) >= renderedAt - 2000) changed = true;
        if ((m.kind === 'issued' || m.kind === 'escalated') && (state === 'sent' || state === 'delivered')) {
            fresh.add(String(target.targetId));
            changed = true;
            ring(m);
        }
    }
    localStorage.setItem(seqKey(), String(lastSeq));
    if (changed) scheduleRefresh();
}

// --- the page ------------------------------------------------------------------------------------------------------

function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
        saveAllDrafts();
        // An enhanced navigation to the inbox itself: the server renders the new list, the DOM is patched in place.
        Blazor.navigateTo(location.pathname, { replaceHistoryEntry: true });
    }, refreshSettleMs);
}

// After the first render and after every enhanced refresh.
function syncPage() {
    const root = rootEl();
    if (!root) { stopped = true; connection?.stop(); return; } // enhanced navigation left the inbox
    const serverNow = Number(root.dataset.serverNow);
    renderedAt = serverNow;
    offsetMs = serverNow - Date.now();
    const done = root.dataset.doneTarget;
    if (done) localStorage.removeItem(draftKey(done));
    restoreDrafts();
    for (const card of document.querySelectorAll('#liaison [data-target-id]')) {
        const id = card.dataset.targetId;
        const waiting = card.dataset.state === 'sent' || card.dataset.state === 'delivered';
        if (fresh.has(id) && !waiting) fresh.delete(id);
        const isNew = fresh.has(id);
        card.classList.toggle('cc-card--new', isNew);
        card.toggleAttribute('data-new', isNew);
        const badge = card.querySelector('.cc-card__new');
        if (badge) badge.hidden = !isNew;
    }
    setLive(live);
    showSound();
    const notify = document.getElementById('liaison-notify');
    if (notify) notify.hidden = !(window.isSecureContext && 'Notification' in window && Notification.permission === 'default');
    tick();
}

function tick() {
    const root = rootEl();
    if (!root) return;
    const now = Date.now() + offsetMs;
    for (const el of root.querySelectorAll('[data-due]')) {
        const left = Number(el.dataset.due) - now;
        el.textContent = format(left, root.dataset);
        el.dataset.over = String(left < 0);
        el.classList.toggle('cc-countdown--over', left < 0);
    }
}

function format(leftMs, labels) {
    const total = Math.floor(Math.abs(leftMs) / 1000);
    const days = Math.floor(total / 86400);
    const pad = n => String(n).padStart(2, '0');
    const clock = `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
    const body = days > 0 ? `${days}${labels.lDay}${clock}` : clock;
    return (leftMs < 0 ? labels.lOver : labels.lLeft).replace('{0}', body);
}

function setLive(state) {
    live = state;
    const el = document.getElementById('liaison-live');
    const root = rootEl();
    if (!el || !root) return;
    el.dataset.state = state;
    el.querySelector('.cc-live__text').textContent = root.dataset['l' + state[0].toUpperCase() + state.slice(1)];
}

// --- sound and notifications ---------------------------------------------------------------------------------------

function onClick(event) {
    const button = event.target.closest?.('#liaison-sound, #liaison-notify');
    if (!button) return;
    if (button.id === 'liaison-sound') {
        // Browsers let a page make sound only after a gesture: this click is it.
        audio ??= new (window.AudioContext || window.webkitAudioContext)();
        audio.resume();
        beep();
        showSound();
    } else if ('Notification' in window) {
        Notification.requestPermission().then(syncPage);
    }
}

function showSound() {
    const button = document.getElementById('liaison-sound');
    if (!button || !audio) return;
    button.dataset.on = 'true';
    const label = button.querySelector('.mud-button-label') || button;
    // Keep the icon: replace only the text node.
    const text = [...label.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (text) text.textContent = rootEl().dataset.lSoundOn;
}

function beep() {
    if (!audio || audio.state !== 'running' && audio.state !== 'suspended') return;
    const start = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.22, 1175]]) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(start + offset);
        oscillator.stop(start + offset + 0.22);
    }
}

function ring(message) {
    const root = rootEl();
    const title = root.dataset.lNotifyTitle.replace('{0}', message.number);
    const announce = document.getElementById('liaison-announce');
    if (announce) announce.textContent = `${root.dataset.lArrived}: ${message.number}`;
    beep();
    if (window.isSecureContext && 'Notification' in window && Notification.permission === 'granted') {
        try {
            const n = new Notification(title, { body: String(message.instruction || '').slice(0, 180), tag: `cc-order-${message.target?.targetId}` });
            n.onclick = () => { window.focus(); n.close(); };
        } catch { /* some mobile browsers allow notifications only from a service worker */ }
    }
}

// --- drafts: what was typed survives a refresh, a reload and a dropped connection ----------------------------------

function saveDraft(event) {
    const form = event.target.closest?.('form[data-target-form]');
    if (form) saveForm(form);
}

function saveAllDrafts() {
    for (const form of document.querySelectorAll('form[data-target-form]')) saveForm(form);
}

function saveForm(form) {
    const fields = {};
    let typed = false;
    for (const el of form.querySelectorAll('[data-draft]')) {
        fields[el.dataset.draft] = el.value;
        if (el.type !== 'hidden' && el.value.trim()) typed = true;
    }
    // The form's request keys go with the text: sending it again after a reload still counts once.
    if (typed) localStorage.setItem(draftKey(form.dataset.targetForm), JSON.stringify(fields));
    else localStorage.removeItem(draftKey(form.dataset.targetForm));
}

function restoreDrafts() {
    for (const form of document.querySelectorAll('form[data-target-form]')) {
        const saved = localStorage.getItem(draftKey(form.dataset.targetForm));
        if (!saved) continue;
        let fields;
        try { fields = JSON.parse(saved); } catch { continue; }
        const inputs = [...form.querySelectorAll('[data-draft]')];
        if (inputs.some(el => el.type !== 'hidden' && el.value.trim())) continue; // the server already shows what was posted
        for (const el of inputs) {
            if (typeof fields[el.dataset.draft] === 'string') el.value = fields[el.dataset.draft];
        }
    }
}

function rootEl() { return document.getElementById('liaison'); }
function seqKey() { return `cc.liaison.seq.${district}`; }
function draftKey(targetId) { return `cc.liaison.draft.${district}.${targetId}`; }
