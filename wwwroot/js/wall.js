// The unattended wall: starts Blazor with reconnection that never gives up, and watches the server's heartbeat so
// the wall greys out (stale) when its data stops flowing. Only classes, data- attributes and the burn-in shift change
// here: the texts (including "last updated") are rendered by the server while it is still reachable.

const reconnectingAfterMs = 2500;   // a heartbeat is written every second
const staleAfterMs = 6000;          // no heartbeat for this long: the circuit is gone, say so
const reloadProbeAfterMs = 60_000;  // still stale this long while the server answers: start over with a reload
const refreshEveryMs = 6 * 60 * 60 * 1000; // bounds browser memory on a page that never closes
// Against burn-in the picture drifts a few pixels, one step every four minutes, and comes back. Set from here, not as a
// CSS animation: a running animation makes the browser draw 60 frames a second for ever, a step here draws one.
const shiftEveryMs = 4 * 60 * 1000;
const shifts = [[0, 0], [3, 2], [-2, 4], [-4, -1], [2, -3]];

let started = false;

export function start() {
    if (started) return;
    started = true;
    Blazor.start({
        circuit: {
            reconnectionOptions: {
                // Never stop trying (the default gives up after 30 attempts and waits for a click). When the server
                // answers but no longer knows the circuit (it restarted), blazor.web.js's default display reloads.
                maxRetries: Infinity,
                retryIntervalMilliseconds: attempt => (attempt < 10 ? 1000 : attempt < 30 ? 3000 : 10_000),
            },
        },
    });
    const watch = watchdog();
    setInterval(watch, 1000);
    shift();
    setInterval(shift, shiftEveryMs);
    setTimeout(scheduledRefresh, refreshEveryMs);
}

function watchdog() {
    let lastBeat = null;
    let beatChangedAt = Date.now();
    let staleSince = null;
    let probing = false;

    return async () => {
        const root = document.getElementById('wall');
        const heartbeat = document.getElementById('wall-heartbeat');
        if (!root || !heartbeat) return; // the circuit has not rendered the wall yet
        const now = Date.now();
        const beat = heartbeat.dataset.beat;
        if (beat !== lastBeat) {
            lastBeat = beat;
            beatChangedAt = now;
        }
        const silentFor = now - beatChangedAt;
        const connection = silentFor > staleAfterMs ? 'stale' : silentFor > reconnectingAfterMs ? 'reconnecting' : 'live';
        // The server itself says when its data fell behind (data-stale-data); the browser can only tell a silent server.
        const stale = connection === 'stale' || heartbeat.dataset.staleData === 'true';
        // Written only when they change: every write makes the browser recompute styles and draw a frame.
        if (root.dataset.connection !== connection) root.dataset.connection = connection;
        if (root.classList.contains('wall--stale') !== stale) root.classList.toggle('wall--stale', stale);

        staleSince = connection === 'stale' ? staleSince ?? now : null;
        if (staleSince !== null && now - staleSince > reloadProbeAfterMs && !probing) {
            probing = true;
            try {
                if (await serverAnswers()) location.reload();
            } finally {
                probing = false;
                staleSince = now; // probe again a minute later at the earliest
            }
        }
    };
}

function shift() {
    // From the clock, so every wall (and a reloaded one) is on the same step.
    const [x, y] = shifts[Math.floor(Date.now() / shiftEveryMs) % shifts.length];
    document.documentElement.style.setProperty('--wall-shift', `translate(${x}px, ${y}px)`);
}

async function scheduledRefresh() {
    // Reload only when the server answers: a reload into an unreachable server would leave a browser error page
    // that nothing reloads again.
    if (await serverAnswers()) location.reload();
    else setTimeout(scheduledRefresh, 60_000);
}

async function serverAnswers() {
    try {
        const response = await fetch('healthz', { cache: 'no-store' });
        return response.ok;
    } catch {
        return false;
    }
}
