// The visit form on a cadre's phone. The draft lives in the browser (IndexedDB) from the
// first tap until the server has confirmed the visit: a closed tab, a dead battery or a lost
// network lose nothing. The submission carries an id made once per draft (Idempotency-Key),
// so sending it again after a timeout finds the same visit instead of making a second.
// Photos taken during the visit wait in the draft too, and go up once the visit is in.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var draftKey = form.dataset.draftKey;
  var statusLine = document.getElementById("draft-status");
  var workers = document.getElementById("workers");
  var problems = document.getElementById("problems");
  var draft = { id: draftKey, clientKey: null, startedAt: new Date().toISOString(), location: null, values: {}, workers: 0, problems: 0, pending: false, photos: [] };
  var zh = document.documentElement.lang !== "en";
  function say(zhText, enText) { statusLine.textContent = zh ? zhText : enText; }

  // --- IndexedDB: one store of drafts, keyed by task, ad-hoc enterprise or correction ----
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("sanbao", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("drafts", { keyPath: "id" }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function store(mode, action) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var request = action(d.transaction("drafts", mode).objectStore("drafts"));
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    });
  }
  function saveDraft() { draft.values = readValues(); return store("readwrite", function (s) { return s.put(draft); }); }
  function dropDraft() { return store("readwrite", function (s) { return s.delete(draftKey); }); }

  // --- Repeated parts: worker questionnaires and problems ---------------------------------
  function renumberWorkers() {
    Array.prototype.forEach.call(workers.querySelectorAll(".questionnaire"), function (q, i) {
      var old = q.dataset.prefix;
      q.dataset.prefix = "w" + i;
      Array.prototype.forEach.call(q.querySelectorAll("[name]"), function (input) {
        input.name = input.name.replace(old + ".", "w" + i + ".");
      });
    });
    draft.workers = workers.children.length;
  }
  function addWorker() {
    workers.appendChild(document.getElementById("worker-template").content.cloneNode(true));
    renumberWorkers();
    applyConditions();
  }
  function renumberProblems() {
    Array.prototype.forEach.call(problems.children, function (p, i) {
      Array.prototype.forEach.call(p.querySelectorAll("input[type=radio]"), function (r) { r.name = "severity-" + i; });
    });
    draft.problems = problems.children.length;
  }
  function addProblem() {
    problems.appendChild(document.getElementById("problem-template").content.cloneNode(true));
    renumberProblems();
  }
  document.getElementById("add-worker").addEventListener("click", function () { addWorker(); saveDraft(); });
  document.getElementById("add-problem").addEventListener("click", function () { addProblem(); saveDraft(); });
  form.addEventListener("click", function (e) {
    var section = e.target.closest(".remove-worker, .remove-problem") && e.target.closest("section");
    if (!section) return;
    section.remove();
    renumberWorkers();
    renumberProblems();
    saveDraft();
  });

  // --- Reading and writing the fields ------------------------------------------------------
  function readValues() {
    var values = {};
    Array.prototype.forEach.call(form.querySelectorAll("input, textarea, select"), function (el, i) {
      var name = el.name || "";
      if (!name) return;
      var key = el.closest(".problem") ? "problem" + indexOf(el.closest(".problem")) + "." + name.replace(/-\d+$/, "") : name;
      if (el.type === "radio" || el.type === "checkbox") {
        if (!el.checked) return;
        if (el.type === "checkbox") { (values[key] = values[key] || []).push(el.value); return; }
      }
      values[key] = el.value;
    });
    return values;
  }
  function indexOf(section) { return Array.prototype.indexOf.call(section.parentNode.children, section); }
  function writeValues(values) {
    Array.prototype.forEach.call(form.querySelectorAll("input, textarea, select"), function (el) {
      var name = el.name || "";
      if (!name) return;
      var key = el.closest(".problem") ? "problem" + indexOf(el.closest(".problem")) + "." + name.replace(/-\d+$/, "") : name;
      var v = values[key];
      if (v === undefined) return;
      if (el.type === "radio") el.checked = el.value === v;
      else if (el.type === "checkbox") el.checked = v.indexOf(el.value) >= 0;
      else el.value = v;
    });
  }

  // --- Show-if conditions: a question appears when an earlier answer is one of some values -
  function applyConditions() {
    Array.prototype.forEach.call(form.querySelectorAll(".worker-pick"), function (pick) {
      pick.closest(".who").querySelector(".new-worker").hidden = pick.value !== "new";
    });
    Array.prototype.forEach.call(form.querySelectorAll(".questionnaire"), function (q) {
      var prefix = q.dataset.prefix;
      Array.prototype.forEach.call(q.querySelectorAll(".q[data-show-q]"), function (el) {
        var earlier = q.querySelector('.q[data-key="' + el.dataset.showQ + '"]');
        var chosen = Array.prototype.filter.call(q.querySelectorAll('[name="' + prefix + "." + el.dataset.showQ + '"]'), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        var show = !(earlier && earlier.hidden) && el.dataset.showAny.split(",").some(function (v) { return chosen.indexOf(v) >= 0; });
        el.hidden = !show;
      });
    });
  }

  // --- Photos: kept in the draft as they are taken, sent after the visit --------------------
  var photoList = document.getElementById("draft-photos");
  var photoError = document.getElementById("photo-error");
  var maxPhotoBytes = 8 * 1024 * 1024;
  function showPhotos() {
    photoList.textContent = "";
    (draft.photos || []).forEach(function (photo, i) {
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = URL.createObjectURL(photo.blob);
      img.alt = photo.name;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link remove-photo";
      remove.textContent = form.dataset.remove;
      remove.addEventListener("click", function () { draft.photos.splice(i, 1); showPhotos(); saveDraft(); });
      var caption = document.createElement("figcaption");
      caption.className = "muted small";
      caption.textContent = photo.name + " · " + Math.max(1, Math.round(photo.blob.size / 1024)) + " KB";
      figure.appendChild(img);
      figure.appendChild(caption);
      figure.appendChild(remove);
      photoList.appendChild(figure);
    });
  }
  document.getElementById("photo-input").addEventListener("change", function (e) {
    photoError.hidden = true;
    Array.prototype.forEach.call(e.target.files, function (file) {
      var refused = file.size > maxPhotoBytes ? form.dataset.photoTooLarge
        : ["image/jpeg", "image/png"].indexOf(file.type) < 0 ? form.dataset.photoNotImage : null;
      if (refused) { photoError.hidden = false; photoError.textContent = file.name + ": " + refused; return; }
      draft.photos.push({ name: file.name, blob: file, sent: false });
    });
    e.target.value = "";
    showPhotos();
    saveDraft();
  });
  // One photo after another; each is stored once however often it is sent (by its content).
  function sendPhotos(visitID) {
    var next = (draft.photos || []).filter(function (p) { return !p.sent; })[0];
    if (!next) return Promise.resolve();
    var data = new FormData();
    data.append("photo", next.blob, next.name);
    return fetch(form.dataset.visits + "/" + visitID + "/photos", {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "Accept": "application/json", "X-CSRF-Token": form.dataset.csrf }
    }).then(function (res) {
      if (!res.ok) {
        // Refused by the server (damaged, not an image): say so and keep the visit going.
        return res.json().then(function (json) {
          photoError.hidden = false;
          photoError.textContent = next.name + ": " + ((json.errors || [])[0] || {}).reason;
          next.sent = true;
        });
      }
      next.sent = true;
    }).then(function () { return saveDraft(); }).then(function () { return sendPhotos(visitID); });
  }

  // --- The submission, in the API's shape ---------------------------------------------------
  function answersOf(q) {
    var answers = {};
    Array.prototype.forEach.call(q.querySelectorAll(".q"), function (el) {
      if (el.hidden) return;
      var inputs = el.querySelectorAll("[name]");
      var kind = el.dataset.kind, key = el.dataset.key;
      if (kind === "multiple") {
        var keys = Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
        if (keys.length) answers[key] = keys;
      } else if (kind === "single" || kind === "yes_no" || kind === "scale") {
        var on = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0];
        if (!on) return;
        answers[key] = kind === "yes_no" ? on.value === "yes" : kind === "scale" ? Number(on.value) : on.value;
      } else if (kind === "number" || kind === "money") {
        if (inputs[0].value !== "") answers[key] = Number(inputs[0].value);
      } else if (inputs[0].value.trim() !== "") {
        answers[key] = inputs[0].value.trim();
      }
    });
    var response = { questionnaire: q.dataset.questionnaire, version: Number(q.dataset.version), answers: answers };
    var pick = q.querySelector(".worker-pick");
    if (pick && pick.value === "new") {
      var field = function (f) { return q.querySelector('[name="' + q.dataset.prefix + ".@" + f + '"]').value.trim(); };
      response.new_worker = { name: field("name"), id_number: field("id_number"), phone: field("phone"), job: field("job") };
    } else if (pick && pick.value) {
      response.worker_id = pick.value;
    }
    return response;
  }
  function submission() {
    var all = form.querySelectorAll(".questionnaire");
    var body = {
      started_at: draft.startedAt, finished_at: new Date().toISOString(),
      people_met: form.querySelector('[name="people_met"]').value.trim(),
      enterprise_response: answersOf(all[0]),
      worker_responses: Array.prototype.slice.call(all, 1).map(answersOf),
      problems: Array.prototype.map.call(problems.children, function (p) {
        var sev = p.querySelector("input[type=radio]:checked");
        return { category: p.querySelector("select").value, severity: sev ? sev.value : "medium",
                 description: p.querySelector("textarea").value.trim() };
      })
    };
    if (draft.location) body.location = draft.location;
    if (form.dataset.task) body.task_id = form.dataset.task;
    else {
      body.enterprise = form.dataset.enterprise;
      var reason = form.querySelector('[name="ad_hoc_reason"]');
      body.ad_hoc_reason = reason ? reason.value.trim() : "";
    }
    return body;
  }
  function showErrors(problem) {
    Array.prototype.forEach.call(form.querySelectorAll(".q-error"), function (p) { p.hidden = true; });
    var general = document.getElementById("form-error");
    general.hidden = false;
    general.textContent = problem.title || "";
    (problem.errors || []).forEach(function (e) {
      // "enterprise_response.answers.orders", "worker_responses[1].answers.x", "problems[0].description", "people_met"
      var m = /^(enterprise_response|worker_responses\[(\d+)\]|problems\[(\d+)\])?\.?(?:answers\.)?(.*)$/.exec(e.field);
      var scope = form, key = e.field;
      if (m && m[1] === "enterprise_response") { scope = form.querySelectorAll(".questionnaire")[0]; key = m[4]; }
      else if (m && m[2] !== undefined) { scope = form.querySelectorAll(".questionnaire")[Number(m[2]) + 1]; key = m[4]; }
      else if (m && m[3] !== undefined) { scope = problems.children[Number(m[3])]; key = null; }
      var target = scope && (key ? scope.querySelector('[data-key="' + key + '"] .q-error') : scope.querySelector(".q-error"));
      if (target) { target.hidden = false; target.textContent = e.reason; }
      else general.textContent += " " + e.field + ": " + e.reason;
    });
    var first = form.querySelector(".q-error:not([hidden])");
    if (first) first.scrollIntoView({ block: "center" });
  }
  function send() {
    if (!draft.clientKey) draft.clientKey = "web-" + (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    draft.pending = true;
    var correcting = form.dataset.visit !== "";
    var body = JSON.stringify(submission());
    draft.body = draft.body && draft.pendingBody ? draft.body : body;
    draft.pendingBody = true;
    saveDraft();
    say("正在提交…", "Sending…");
    return fetch(correcting ? form.dataset.visits + "/" + form.dataset.visit : form.dataset.visits, {
      method: correcting ? "PUT" : "POST", credentials: "same-origin", body: draft.body,
      headers: { "Content-Type": "application/json", "Accept": "application/problem+json, application/json",
                 "X-CSRF-Token": form.dataset.csrf, "Idempotency-Key": draft.clientKey, "If-Match": form.dataset.revision }
    }).then(function (res) {
      return res.json().then(function (json) {
        if (res.ok) {
          draft.visitID = json.id;
          return sendPhotos(json.id).then(dropDraft).then(function () {
            window.location = form.dataset.visits + "/" + json.id + "?flash=visit_submitted";
          });
        }
        // The server read it and said no: the draft stays, to be corrected and sent anew.
        draft.pending = false;
        draft.pendingBody = false;
        if (res.status === 409 && !correcting) draft.clientKey = null;
        saveDraft();
        say("", "");
        showErrors(json);
      });
    }).catch(function () {
      // No answer (or it broke off while the photos were going up): everything stays in the
      // draft, and sending again finds the same visit and sends the photos not yet sent.
      say("网络不通：走访已保存在本机，网络恢复后自动提交。", "No network: the visit is kept on this phone and will be sent when the network is back.");
    });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  window.addEventListener("online", function () { if (draft.pending) send(); });

  // --- Start: restore the draft, locate, keep saving -------------------------------------------
  store("readonly", function (s) { return s.get(draftKey); }).then(function (saved) {
    if (saved) {
      draft = saved;
      for (var i = workers.children.length; i < (saved.workers || 0); i++) addWorker();
      for (var j = problems.children.length; j < (saved.problems || 0); j++) addProblem();
      writeValues(saved.values || {});
      draft.photos = draft.photos || [];
      showPhotos();
      say(saved.pending ? "上次提交未完成，已恢复，可再次提交。" : "已恢复本机保存的草稿。",
          saved.pending ? "The last submission did not finish; restored — send it again." : "Draft restored from this phone.");
    }
    draft.workers = workers.children.length;
    draft.problems = problems.children.length;
    applyConditions();
    if (draft.pending && navigator.onLine) send();
  }).catch(function () { applyConditions(); });
  form.addEventListener("change", function () { applyConditions(); saveDraft(); });
  form.addEventListener("input", function () { saveDraft(); });
  if (navigator.geolocation && !draft.location) {
    navigator.geolocation.getCurrentPosition(function (p) {
      draft.location = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: Math.round(p.coords.accuracy) };
      document.getElementById("location-status").textContent = (zh ? "已定位，精度约 " : "Located to about ") + draft.location.accuracy_m + " m";
      saveDraft();
    }, function () {}, { timeout: 10000, maximumAge: 60000 });
  }
})();
