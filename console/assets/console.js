// The console's small script. It holds no wire rule: checks, encoding and snippets come from
// the server (/console/api/…), which asks the declarations themselves. It keeps nothing in
// localStorage or sessionStorage, and never sees a credential (the session cookie is HttpOnly).
"use strict";

(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // ---- Operation list: filter as you type ------------------------------------------------
  function setupSearch() {
    const input = $("#search");
    if (!input) return;
    const items = $$("#operations li[data-search]");
    const count = $("#search-count");
    const none = $("#no-match");
    function apply() {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const li of items) {
        const text = li.dataset.search;
        const hit = words.every((w) => text.includes(w));
        li.hidden = !hit;
        if (hit) shown++;
      }
      for (const group of $$("#operations section[data-group]")) {
        group.hidden = !group.querySelector("li:not([hidden])");
      }
      count.textContent = shown + " of " + items.length + " shown";
      none.hidden = shown !== 0;
      const url = new URL(location.href);
      if (input.value) url.searchParams.set("q", input.value);
      else url.searchParams.delete("q");
      history.replaceState(null, "", url);
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        const first = $("#operations li:not([hidden]) a");
        if (first) first.click();
      }
    });
    apply();
  }

  // "/" focuses the search box (or goes to the list from an operation page).
  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    e.preventDefault();
    const search = $("#search");
    if (search) search.focus();
    else location.href = "/console/";
  });

  // ---- Operation page ----------------------------------------------------------------------
  function setupOperation() {
    const form = $("#try-form");
    if (!form) return;
    const operation = form.dataset.operation;
    const target = $("#snippet-target");
    let generation = 0;
    let timer = null;

    function formBody(withTarget) {
      const data = new URLSearchParams();
      for (const [k, v] of new FormData(form)) {
        if (k === "_target" && !withTarget) continue;
        data.append(k, v);
      }
      if (withTarget && target && !data.has("_target")) data.append("_target", target.value);
      return data;
    }

    function showProblems(problems) {
      for (const el of $$(".field .error", form)) el.textContent = "";
      for (const el of $$("[aria-invalid]", form)) el.removeAttribute("aria-invalid");
      const general = [];
      for (const p of problems || []) {
        const field = p.param && form.querySelector('.field[data-param="' + CSS.escape(p.param) + '"]');
        if (field) {
          const err = $(".error", field);
          err.textContent = err.textContent ? err.textContent + "; " + p.message : p.message;
          for (const input of $$("input, select, textarea", field)) input.setAttribute("aria-invalid", "true");
        } else {
          general.push(p.message);
        }
      }
      const box = $("#problems");
      box.textContent = "";
      if (general.length) {
        const ul = document.createElement("ul");
        for (const m of general) {
          const li = document.createElement("li");
          li.textContent = m;
          ul.appendChild(li);
        }
        box.appendChild(ul);
      }
    }

    // Instant feedback from the input's own constraints (SID prefix and length, numbers),
    // rendered from the registry into pattern/min/max attributes.
    function localCheck(input) {
      const field = input.closest(".field");
      if (!field || !input.value) return;
      const err = $(".error", field);
      if (!input.checkValidity()) {
        input.setAttribute("aria-invalid", "true");
        const prefix = input.dataset.sidPrefix;
        err.textContent = prefix
          ? "must be " + prefix + " followed by 32 hex digits (" + input.value.length + " characters so far)"
          : input.validationMessage;
      }
    }

    async function refresh() {
      const mine = ++generation;
      let answer;
      try {
        const r = await fetch("/console/api/snippets/" + encodeURIComponent(operation), {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Console": "1" },
          body: formBody(true),
          credentials: "same-origin",
        });
        answer = await r.json();
      } catch (e) {
        return;
      }
      if (mine !== generation) return; // a newer change is on its way
      showProblems(answer.problems);
      if (answer.snippets) {
        for (const [lang, code] of Object.entries(answer.snippets)) {
          const el = document.getElementById("code-" + lang);
          if (el) el.textContent = code;
        }
      }
      for (const input of $$("input", form)) localCheck(input);
      form.dataset.checked = String(mine);
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 120);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    if (target) target.addEventListener("change", schedule);

    // Repeatable inputs.
    form.addEventListener("click", (e) => {
      const add = e.target.closest(".add-item");
      if (add) {
        const repeat = add.closest(".repeat");
        const items = $$(".repeat-item", repeat);
        const copy = items[items.length - 1].cloneNode(true);
        for (const input of $$("input, select, textarea", copy)) {
          input.value = "";
          input.removeAttribute("id");
        }
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove-item";
        remove.textContent = "Remove";
        copy.appendChild(remove);
        repeat.insertBefore(copy, add);
        $("input, select, textarea", copy).focus();
        schedule();
        return;
      }
      const remove = e.target.closest(".remove-item");
      if (remove) {
        remove.closest(".repeat-item").remove();
        schedule();
        return;
      }
      const key = e.target.closest(".new-key");
      if (key) {
        document.getElementById(key.dataset.for).value = freshKey();
        schedule();
        return;
      }
      const inbox = e.target.closest(".use-inbox");
      if (inbox) {
        document.getElementById(inbox.dataset.for).value = inbox.dataset.url;
        schedule();
      }
    });

    // JSON text areas: say at once when the text is not JSON (the server says the rest).
    form.addEventListener("input", (e) => {
      const t = e.target;
      if (t.dataset && t.dataset.kind === "json" && t.value.trim()) {
        try {
          JSON.parse(t.value);
          t.setCustomValidity("");
        } catch (err) {
          t.setCustomValidity("not valid JSON");
        }
      }
    });

    function freshKey() {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      return "console-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      await send();
    });

    async function send() {
      const button = $("#send");
      button.disabled = true;
      try {
        // 1. The declaration's check, on the server; nothing goes anywhere if it refuses.
        const r = await fetch("/console/api/check/" + encodeURIComponent(operation), {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Console": "1" },
          body: formBody(false),
          credentials: "same-origin",
        });
        const checked = await r.json();
        showProblems(checked.problems);
        if (!checked.ok || !checked.request) {
          const first = form.querySelector("[aria-invalid]");
          if (first) first.focus();
          else $("#problems").focus();
          form.dataset.sent = "refused";
          return;
        }
        // 2. The request exactly as the declaration encoded it, to the gateway's REST surface.
        const req = checked.request;
        const headers = { "X-Twilio-Console": "1", Accept: "application/json" };
        if (req.content_type) headers["Content-Type"] = req.content_type;
        for (const [k, v] of req.headers) headers[k] = v;
        const started = performance.now();
        let res;
        try {
          res = await fetch(req.path, {
            method: req.method,
            headers,
            body: req.body === null ? undefined : req.body,
            credentials: "same-origin",
            redirect: "manual",
          });
        } catch (err) {
          showAnswer({ network: String(err) });
          return;
        }
        const ms = performance.now() - started;
        const text = await res.text();
        showAnswer({ res, ms, text });
        form.dataset.sent = String(res.status);
        if (res.ok) {
          // Each logical operation gets a fresh key; resending the same key is a replay.
          for (const btn of $$(".new-key", form)) document.getElementById(btn.dataset.for).value = freshKey();
          schedule();
          watchCallbacks();
        }
      } finally {
        button.disabled = false;
      }
    }

    function showAnswer({ res, ms, text, network }) {
      const box = $("#answer");
      box.hidden = false;
      const status = $(".status-line", box);
      const detail = $(".error-detail", box);
      const body = $(".body", box);
      const next = $(".next", box);
      detail.textContent = "";
      next.textContent = "";
      if (network) {
        status.textContent = "No answer: " + network;
        body.textContent = "";
        return;
      }
      const id = res.headers.get("Twilio-Request-Id");
      status.textContent = "";
      const strong = document.createElement("strong");
      strong.className = res.ok ? "ok" : "bad";
      strong.textContent = res.status + " " + res.statusText;
      status.appendChild(strong);
      status.appendChild(document.createTextNode(" in " + ms.toFixed(0) + " ms" + (id ? " · request id " : "")));
      if (id) {
        const code = document.createElement("code");
        code.className = "request-id";
        code.textContent = id;
        status.appendChild(code);
      }
      let json = null;
      try {
        json = JSON.parse(text);
        body.textContent = JSON.stringify(json, null, 2);
      } catch (err) {
        body.textContent = text;
      }
      if (res.status === 401 && $("#sign-in")) $("#sign-in").hidden = false;
      if (!res.ok && json && typeof json === "object") {
        const dl = document.createElement("dl");
        for (const key of ["code", "message", "more_info"]) {
          if (json[key] === undefined || json[key] === null) continue;
          const dt = document.createElement("dt");
          dt.textContent = key;
          const dd = document.createElement("dd");
          const value = String(json[key]);
          if (key === "more_info" && /^https?:\/\//.test(value)) {
            const a = document.createElement("a");
            a.href = value;
            a.textContent = value;
            a.rel = "noopener noreferrer";
            a.target = "_blank";
            dd.appendChild(a);
          } else {
            dd.textContent = value;
          }
          dl.append(dt, dd);
        }
        detail.appendChild(dl);
      }
      if (res.ok && json && typeof json === "object") nextSteps(json, next);
      box.focus && box.scrollIntoView({ block: "nearest" });
    }

    // Operations that continue from the SIDs of this answer, prefilled (from the registry).
    async function nextSteps(json, box) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(json)) {
        if (typeof v === "string" && /^[A-Z]{2}[0-9a-f]{32}$/.test(v)) q.append(k, v);
      }
      const cb = form.querySelector('[name="StatusCallback"]');
      if (cb && cb.value) q.append("StatusCallback", cb.value);
      if (![...q.keys()].length) return;
      const r = await fetch("/console/api/next?" + q.toString(), {
        credentials: "same-origin",
        headers: { "X-Twilio-Console": "1" },
      });
      if (!r.ok) return;
      const { links } = await r.json();
      if (!links.length) return;
      const h = document.createElement("h3");
      h.textContent = "Continue with";
      const ul = document.createElement("ul");
      for (const l of links) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = l.href;
        a.textContent = l.method + " " + l.title;
        li.appendChild(a);
        ul.appendChild(li);
      }
      box.append(h, ul);
    }

    // The inbox: poll while the page is open, once something was sent.
    let polling = false;
    let after = 0;
    function watchCallbacks() {
      const section = $("#callbacks");
      if (!section || !section.dataset.inbox || polling) return;
      polling = true;
      const list = $(".entries", section);
      async function poll() {
        try {
          const r = await fetch("/console/api/callbacks/" + section.dataset.inbox + "?after=" + after, {
            credentials: "same-origin",
            headers: { "X-Twilio-Console": "1" },
          });
          if (r.ok) {
            const { entries } = await r.json();
            for (const e of entries) {
              after = Math.max(after, e.seq);
              section.hidden = false;
              const li = document.createElement("li");
              const head = document.createElement("div");
              head.className = "cb-head";
              head.textContent =
                new Date(e.received_ms).toLocaleTimeString() + " · signature " + e.signature;
              const dl = document.createElement("dl");
              for (const [k, v] of e.params) {
                const dt = document.createElement("dt");
                dt.textContent = k;
                const dd = document.createElement("dd");
                dd.textContent = v;
                dl.append(dt, dd);
              }
              li.append(head, dl);
              list.insertBefore(li, list.firstChild);
            }
          }
        } catch (err) {
          /* try again */
        }
        setTimeout(poll, document.hidden ? 5000 : 1000);
      }
      poll();
    }
    // A page opened from a previous step may already have callbacks waiting.
    if ($("#callbacks") && new URLSearchParams(location.search).has("StatusCallback")) watchCallbacks();

    // Tabs (arrow keys move between them) and copy buttons.
    const tabs = $$('[role="tab"]');
    function select(tab) {
      for (const t of tabs) {
        const on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      }
    }
    tabs.forEach((tab, i) => {
      tab.addEventListener("click", () => select(tab));
      tab.addEventListener("keydown", (e) => {
        const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!d) return;
        const next = tabs[(i + d + tabs.length) % tabs.length];
        select(next);
        next.focus();
      });
    });
    for (const btn of $$(".copy")) {
      btn.addEventListener("click", async () => {
        const text = document.getElementById(btn.dataset.copy).textContent;
        const label = btn.textContent;
        try {
          await navigator.clipboard.writeText(text);
          btn.textContent = "Copied";
        } catch (err) {
          const range = document.createRange();
          range.selectNodeContents(document.getElementById(btn.dataset.copy));
          const sel = getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          btn.textContent = "Selected: press Ctrl+C";
        }
        setTimeout(() => (btn.textContent = label), 1500);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupSearch();
    setupOperation();
  });
})();
