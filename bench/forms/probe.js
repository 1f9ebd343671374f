// @ts-check
/* global window, document, location, MutationObserver, requestAnimationFrame, Element */
/**
 * What the form benchmark (bench/form-renderer.bench.ts) measures inside the
 * page. Installed with Playwright's addInitScript, so it runs before any of
 * the page's own scripts, on every page of both renderers; the bench reads
 * `window.__bench`. The pages are served cross-origin isolated, so
 * performance.now() has a 5 µs resolution instead of 100 µs.
 *
 * - Load: a MutationObserver notes when the last of the 300 fields is in the
 *   DOM (performance.now() counts from the navigation start), then when the
 *   frame that shows it has been painted (a task posted from the next
 *   requestAnimationFrame runs after that frame's style, layout and paint).
 * - Keystrokes: for each of keydown, keypress, beforeinput, input and keyup,
 *   the time from a capture listener on window (the first to run: React
 *   listens on its root element) to a microtask queued by a bubbling listener
 *   on window (the last to run, after React's handlers and, since React
 *   commits a controlled input's update before its event handler returns,
 *   after the commit). The sum over the five events is one keystroke's
 *   synchronous handler time.
 * - Failed step: from a capture listener on a click on the submit button to
 *   the first frame in which the errors are in the DOM and the focus is where
 *   the renderer puts it (ours: the error summary; RJSF: the first field in
 *   error), and to the end of that frame's paint.
 */
(() => {
  if (window.top !== window) return;
  const rjsf = location.pathname.startsWith('/rjsf/');
  /** The last of the 300 fields: the input of /champ299 (a date). */
  const lastField = rjsf ? '#root_champ299' : '#champ-champ299';
  /** One element per field in error. */
  const fieldError = rjsf ? '.error-detail' : '.error-message';
  const EXPECTED_ERRORS = 50;

  /** Whether the focus is where the renderer puts it after a failed step. */
  const focused = () => {
    const active = document.activeElement;
    if (!active) return false;
    if (rjsf) return active.id.startsWith('root_') && document.querySelector('.panel-danger.errors') !== null;
    return active.classList.contains('error-summary');
  };
  /** @param {(at: number) => void} then */
  const afterPaint = (then) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => then(performance.now());
    channel.port2.postMessage(0);
  };

  /**
   * @typedef {{ sync: number, events: number }} Key
   * @typedef {{ startedAt: number, submitAt: number | null, readyAt: number | null, paintedAt: number | null,
   *             frames: number, errors: number, focus: string, timedOut: boolean }} Submit
   */
  const bench = {
    renderer: rjsf ? 'rjsf' : 'ours',
    isolated: window.crossOriginIsolated,
    /** @type {number | null} */ lastFieldAt: null,
    /** @type {number | null} */ lastFieldPaintedAt: null,
    /** @type {Key[]} */ keys: [],
    /** @type {Key | null} */ current: null,
    /** @type {Submit | null} */ submit: null,
  };
  Object.defineProperty(window, '__bench', { value: bench });

  const observer = new MutationObserver(() => {
    if (bench.lastFieldAt !== null || !document.querySelector(lastField)) return;
    bench.lastFieldAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => afterPaint((at) => (bench.lastFieldPaintedAt = at)));
  });
  observer.observe(document, { childList: true, subtree: true });

  for (const type of ['keydown', 'keypress', 'beforeinput', 'input', 'keyup']) {
    let started = 0;
    window.addEventListener(
      type,
      () => {
        if (type === 'keydown') bench.keys.push((bench.current = { sync: 0, events: 0 }));
        started = performance.now();
      },
      true,
    );
    window.addEventListener(type, () => {
      const key = bench.current;
      const from = started;
      queueMicrotask(() => {
        if (!key) return;
        key.sync += performance.now() - from;
        key.events++;
      });
    });
  }

  window.addEventListener(
    'click',
    (event) => {
      if (!(event.target instanceof Element) || !event.target.closest('button[type="submit"]')) return;
      /** @type {Submit} */
      const submit = {
        startedAt: performance.now(),
        submitAt: null,
        readyAt: null,
        paintedAt: null,
        frames: 0,
        errors: 0,
        focus: '',
        timedOut: false,
      };
      bench.submit = submit;
      const check = () => {
        submit.frames++;
        submit.errors = document.querySelectorAll(fieldError).length;
        const active = document.activeElement;
        submit.focus = active ? `${active.tagName.toLowerCase()}#${active.id}.${active.className}` : '';
        if (submit.errors >= EXPECTED_ERRORS && focused()) {
          submit.readyAt = performance.now();
          afterPaint((at) => (submit.paintedAt = at));
        } else if (performance.now() - submit.startedAt < 10_000) requestAnimationFrame(check);
        else submit.timedOut = true;
      };
      requestAnimationFrame(check);
    },
    true,
  );
  // When the form's submit event reaches the page: what the browser did between the click and it is no renderer's.
  window.addEventListener(
    'submit',
    () => {
      if (bench.submit && bench.submit.submitAt === null) bench.submit.submitAt = performance.now();
    },
    true,
  );
})();
