/* lfk: checks this site's files against its publication manifest, in the browser, offline.
   The manifest comes from lfk-publication.js (window.LFK_PUBLICATION: the exact text of
   lfk-publication.json). Files are read with XMLHttpRequest when the browser allows it (a web server,
   or a local file the browser may read), else from a folder the user chooses. SHA-256 through Web
   Crypto in a secure context (https, localhost, file:// in Chromium), else the small implementation below. */
(function () {
  "use strict";
  var status = document.getElementById("verify-status");
  if (!status) { return; }
  var problems = document.getElementById("verify-problems");
  var OWN = { "lfk-publication.json": 1, "lfk-publication.js": 1 };

  function msg(key, vars) {
    var s = status.getAttribute("data-msg-" + key) || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  }
  function setState(state, text) { status.setAttribute("data-state", state); status.textContent = text; }
  function fact(id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } }

  // -- SHA-256 ---------------------------------------------------------------------------------------
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  function sha256js(bytes) {
    var n = bytes.length, total = ((n + 9 + 63) >> 6) << 6, buf = new Uint8Array(total), i, j;
    buf.set(bytes); buf[n] = 0x80;
    var bits = n * 8, dv = new DataView(buf.buffer);
    dv.setUint32(total - 8, Math.floor(bits / 0x100000000)); dv.setUint32(total - 4, bits >>> 0);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (i = 0; i < total; i += 64) {
      for (j = 0; j < 16; j++) { w[j] = dv.getUint32(i + j * 4); }
      for (j = 16; j < 64; j++) {
        var a15 = w[j - 15], a2 = w[j - 2];
        var s0 = ((a15 >>> 7) | (a15 << 25)) ^ ((a15 >>> 18) | (a15 << 14)) ^ (a15 >>> 3);
        var s1 = ((a2 >>> 17) | (a2 << 15)) ^ ((a2 >>> 19) | (a2 << 13)) ^ (a2 >>> 10);
        w[j] = (w[j - 16] + s0 + w[j - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (j = 0; j < 64; j++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[j] + w[j]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h.map(function (x) { return ("00000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
  }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  var subtle = window.isSecureContext && window.crypto && window.crypto.subtle;
  function sha256(bytes) {
    if (subtle) {
      return subtle.digest("SHA-256", bytes).then(hex, function () { return sha256js(bytes); });
    }
    return Promise.resolve(sha256js(bytes));
  }
  window.lfkSha256 = sha256js;  // for the tests: the fallback must agree with Web Crypto

  // -- reading files ---------------------------------------------------------------------------------
  function url(rel) { return rel.split("/").map(encodeURIComponent).join("/"); }
  function fetchBytes(rel) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      try { x.open("GET", url(rel), true); } catch (e) { reject(e); return; }
      x.responseType = "arraybuffer";
      x.onload = function () {
        if ((x.status === 200 || x.status === 0) && x.response) { resolve(new Uint8Array(x.response)); }
        else if (x.status === 404) { resolve(null); }
        else { reject(new Error("status " + x.status)); }
      };
      x.onerror = function () { reject(new Error("blocked")); };
      try { x.send(); } catch (e) { reject(e); }
    });
  }
  function fileBytes(file) {
    if (file.arrayBuffer) { return file.arrayBuffer().then(function (b) { return new Uint8Array(b); }); }
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () { resolve(new Uint8Array(r.result)); };
      r.onerror = function () { reject(r.error); };
      r.readAsArrayBuffer(file);
    });
  }

  // -- the check -------------------------------------------------------------------------------------
  var text = window.LFK_PUBLICATION, manifest = null;
  try { manifest = JSON.parse(text); } catch (e) { manifest = null; }
  if (typeof text !== "string" || !manifest || typeof manifest.files !== "object") {
    setState("failed", msg("nomanifest"));
    return;
  }
  var manifestBytes = new TextEncoder().encode(text);
  var listed = Object.keys(manifest.files).sort();
  fact("verify-register", manifest.register || "—");
  var rev = manifest.revision;
  fact("verify-revision", rev && rev.commit ? [rev.rev, rev.commit.slice(0, 12), rev.date].filter(Boolean).join(" · ")
                                              : msg("uncommitted"));
  sha256(manifestBytes).then(function (d) { fact("verify-manifest", d); });

  function report(found) {
    problems.textContent = "";
    found.forEach(function (p) {
      var li = document.createElement("li");
      li.setAttribute("data-problem", p[0]);
      li.textContent = msg(p[0]) + ": " + p[1];
      problems.appendChild(li);
    });
    if (found.length) { setState("failed", msg("failed", { n: found.length })); }
    else { setState("ok", msg("ok", { n: listed.length })); }
  }
  function sameBytes(a, b) {
    if (!a || a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  function checkAll(read, extras) {
    var found = [];
    var jobs = listed.map(function (rel) {
      return read(rel).then(null, function () { return null; }).then(function (bytes) {
        if (bytes === null) { found.push(["missing", rel]); return null; }
        return sha256(bytes).then(function (d) { if (d !== manifest.files[rel]) { found.push(["altered", rel]); } });
      });
    });
    jobs.push(read("lfk-publication.json").then(function (bytes) {
      if (bytes !== null && !sameBytes(bytes, manifestBytes)) { found.push(["manifest", "lfk-publication.json"]); }
    }, function () { return null; }));
    return Promise.all(jobs).then(function () {
      (extras || []).forEach(function (rel) { found.push(["added", rel]); });
      found.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
      report(found);
    });
  }
  function askForFolder() {
    setState("needs-folder", msg("folder"));
    var pick = document.getElementById("verify-pick"), input = document.getElementById("verify-folder");
    pick.hidden = false;
    input.addEventListener("change", function () {
      var files = {}, extras = [];
      Array.prototype.forEach.call(input.files, function (f) {
        var parts = (f.webkitRelativePath || f.name).split("/");
        if (parts.length > 1) { parts.shift(); }
        if (parts.some(function (s) { return s.charAt(0) === "."; })) { return; }
        files[parts.join("/")] = f;
      });
      Object.keys(files).forEach(function (rel) {
        if (!(rel in manifest.files) && !OWN[rel]) { extras.push(rel); }
      });
      setState("running", msg("running", { n: listed.length }));
      checkAll(function (rel) { return rel in files ? fileBytes(files[rel]) : Promise.resolve(null); }, extras);
    });
  }

  setState("running", msg("running", { n: listed.length }));
  fetchBytes("lfk-publication.js").then(function (probe) {
    if (probe === null) { askForFolder(); return null; }
    return checkAll(fetchBytes).catch(askForFolder);
  }, askForFolder);
})();
