// Door check-in: staff scan an attendee's personal QR code with the device camera, or type the short code.
// Contract: the submit of #check-in-form (field "code") is sent with fetch (Accept: application/json,
// X-Requested-With: fetch); the JSON answer {"outcome", "html"} (2xx, or 4xx for refusals) has its trusted,
// server-escaped "html" put into #check-in-result. #check-in-camera is shown only when getUserMedia exists;
// decoded QR text goes into #id_code and through the same submit. Messages come from data-error-* attributes.
// Without this script the form posts normally and the server renders the whole page.
(function () {
  "use strict";

  const form = document.getElementById("check-in-form");
  const input = document.getElementById("id_code");
  const result = document.getElementById("check-in-result");
  if (!form || !input || !result) {
    return;
  }
  const submitButton = form.querySelector('button[type="submit"], input[type="submit"]');

  const TIMEOUT_MS = 8000;
  const SCAN_INTERVAL_MS = 150;
  const REPEAT_IGNORE_MS = 3000;
  const MAX_FRAME_SIDE = 800;

  let inFlight = false;
  // Set just before the scanner submits the form, read (and reset) by the submit handler.
  let nextSubmitFromCamera = false;

  function showMessage(text) {
    result.removeAttribute("data-outcome");
    const p = document.createElement("p");
    p.className = "text-danger mb-0";
    p.textContent = text || "";
    result.textContent = "";
    result.appendChild(p);
  }

  function setBusy(busy) {
    inFlight = busy;
    if (submitButton) {
      submitButton.disabled = busy;
    }
    if (busy) {
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("aria-busy");
    }
  }

  // Resolves to the parsed {outcome, html} answer, or null when there is none to show (network failure,
  // timeout, or an answer that is not the expected JSON, e.g. an error page or a redirect to the login page).
  async function post() {
    const controller = new AbortController();
    const timer = setTimeout(function () {
      controller.abort();
    }, TIMEOUT_MS);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      const type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1 || response.status >= 500) {
        return null;
      }
      const data = await response.json();
      return data && typeof data.html === "string" ? data : null;
    } catch (error) {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async function onSubmit(event) {
    event.preventDefault();
    const fromCamera = nextSubmitFromCamera;
    nextSubmitFromCamera = false;
    if (inFlight) {
      return;
    }
    const code = input.value;
    if (!code.trim()) {
      input.focus();
      return;
    }
    setBusy(true);
    try {
      const data = await post();
      if (data) {
        result.innerHTML = data.html; // trusted fragment, escaped by the server
        if (typeof data.outcome === "string") {
          result.setAttribute("data-outcome", data.outcome);
        }
        // Staff may already be typing the next code: only clear what was sent.
        if (input.value === code) {
          input.value = "";
        }
        // After a scan, leave focus alone: on a phone, focusing the field would open the on-screen keyboard
        // over the camera view.
        if (!fromCamera) {
          input.focus();
        }
      } else {
        showMessage(form.getAttribute("data-error-network"));
        if (!fromCamera) {
          input.focus();
        }
      }
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener("submit", onSubmit);

  // --- Camera -----------------------------------------------------------------------------------------------

  const camera = document.getElementById("check-in-camera");
  const startButton = document.getElementById("check-in-camera-start");
  const stopButton = document.getElementById("check-in-camera-stop");
  const video = document.getElementById("check-in-video");
  const cameraError = document.getElementById("check-in-camera-error");
  if (!camera || !startButton || !stopButton || !video || !cameraError) {
    return;
  }
  if (!(navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function")) {
    return;
  }
  camera.hidden = false;

  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const recentlySeen = new Map(); // decoded text -> when it was last seen
  let stream = null;
  let decode = null;
  let timer = null;
  let starting = false;
  let generation = 0; // bumped by every start and stop, so a late promise of an older run does nothing

  function showCameraError(kind) {
    const text = camera.getAttribute(kind === "denied" ? "data-error-denied" : "data-error-unavailable");
    cameraError.textContent = text || "";
    cameraError.hidden = !text;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // A function (canvas) => Promise<string[]> of the QR texts in the frame.
  async function makeDecoder() {
    if (typeof window.BarcodeDetector === "function") {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.indexOf("qr_code") !== -1) {
          const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async function (source) {
            const codes = await detector.detect(source);
            return codes.map(function (code) {
              return code.rawValue;
            });
          };
        }
      } catch (error) {
        // Fall through to jsQR.
      }
    }
    // jsQR normally arrives with its own deferred <script>; a page may leave that out and name it in
    // data-jsqr-src instead, so the library is fetched only when the camera is first started.
    const src = camera.getAttribute("data-jsqr-src");
    if (typeof window.jsQR !== "function" && src) {
      await loadScript(src);
    }
    if (typeof window.jsQR !== "function") {
      throw new Error("no QR decoder");
    }
    return async function (source) {
      const image = context.getImageData(0, 0, source.width, source.height);
      const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return found ? [found.data] : [];
    };
  }

  function grabFrame() {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height || video.readyState < 2) {
      return false;
    }
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(width, height));
    const w = Math.round(width * scale);
    const h = Math.round(height * scale);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    context.drawImage(video, 0, 0, w, h);
    return true;
  }

  function handleTexts(texts) {
    const now = Date.now();
    for (const [text, seen] of recentlySeen) {
      if (now - seen >= REPEAT_IGNORE_MS) {
        recentlySeen.delete(text);
      }
    }
    for (const raw of texts) {
      const text = typeof raw === "string" ? raw.trim() : "";
      if (!text) {
        continue;
      }
      if (recentlySeen.has(text)) {
        // Still in view: keep ignoring it until it has been out of sight for the whole interval.
        recentlySeen.set(text, now);
        continue;
      }
      if (inFlight) {
        // Not remembered, so it is sent once the current request is done.
        continue;
      }
      recentlySeen.set(text, now);
      input.value = text;
      nextSubmitFromCamera = true;
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      }
      nextSubmitFromCamera = false;
      return;
    }
  }

  async function tick(run) {
    if (run !== generation) {
      return;
    }
    try {
      if (!document.hidden && grabFrame()) {
        handleTexts(await decode(canvas));
      }
    } catch (error) {
      // One unreadable frame is not an error worth showing; the next one is tried.
    }
    if (run === generation) {
      timer = setTimeout(tick, SCAN_INTERVAL_MS, run);
    }
  }

  function stop() {
    generation += 1;
    clearTimeout(timer);
    timer = null;
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    video.pause();
    video.srcObject = null;
    video.hidden = true;
    const hadFocus = stopButton === document.activeElement;
    stopButton.hidden = true;
    startButton.hidden = false;
    if (hadFocus) {
      startButton.focus();
    }
  }

  async function start() {
    if (starting) {
      return;
    }
    starting = true;
    stop();
    const run = generation;
    cameraError.hidden = true;
    cameraError.textContent = "";
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      if (run !== generation) {
        media.getTracks().forEach(function (track) {
          track.stop();
        });
        return;
      }
      stream = media;
      stream.getVideoTracks().forEach(function (track) {
        track.addEventListener("ended", function () {
          if (run === generation) {
            stop();
            showCameraError("unavailable");
          }
        });
      });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      decode = decode || (await makeDecoder());
      if (run !== generation) {
        return;
      }
      startButton.hidden = true;
      stopButton.hidden = false;
      stopButton.focus();
      tick(run);
    } catch (error) {
      if (run !== generation) {
        return;
      }
      stop();
      const name = error && error.name;
      showCameraError(name === "NotAllowedError" || name === "PermissionDeniedError" ? "denied" : "unavailable");
    } finally {
      starting = false;
    }
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  // Give the camera back when the page goes away (tab closed, or the browser keeps the page in its cache).
  window.addEventListener("pagehide", function () {
    if (stream) {
      stop();
    }
  });
})();
