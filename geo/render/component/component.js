// Streamlit component of the Map page (geo.render.mapcomponent): no build step, no CDN.
// The geometry of a layer arrives once and stays here (GEOMETRIES, keyed by its id); every
// later render brings only the style (classes, palette, tooltips, legend) and restyles in place.
(function () {
  var GEOMETRIES = {}, STATICS = {}, current = null, currentStatic = null, map = null, clicks = 0, height = 0,
      loading = null;

  function send(type, extra) {
    var msg = Object.assign({isStreamlitMessage: true, type: type}, extra || {});
    window.parent.postMessage(msg, "*");
  }
  function setValue(value) { send("streamlit:setComponentValue", {value: value, dataType: "json"}); }
  function setHeight(h) { if (h !== height) { height = h; send("streamlit:setFrameHeight", {height: h}); } }

  // Leaflet's script AND its stylesheet before the first map: without the stylesheet the legend is not yet in its
  // corner when the map is fitted beside it, and moves over the units once the sheet arrives (a busy machine).
  var ready = false;
  function loadAssets(assets, done) {
    if (ready) return done();
    if (loading) { loading.push(done); return; }
    loading = [done];
    var pending = 2;
    function one() { if (--pending === 0) { ready = true; var l = loading; loading = null; l.forEach(function (f) { f(); }); } }
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = assets.css; css.onload = one; css.onerror = one; document.head.appendChild(css);
    var style = document.createElement("style"); style.textContent = assets.page_css; document.head.appendChild(style);
    var js = document.createElement("script");
    js.src = assets.js;
    js.onload = one; js.onerror = one;
    document.head.appendChild(js);
  }

  // The legend (bottom right) and the banner (top) never cover a unit on the first view: the units are fitted
  // into the part of the map they leave free, beside the legend or above it, whichever shows the units larger.
  function fitClear(bounds, el) {
    var lg = el.querySelector(".geo-legend"), hd = el.querySelector(".geo-header");
    var top = hd && hd.textContent.trim() ? hd.offsetHeight + 12 : 0;
    var w = lg ? lg.offsetWidth + 16 : 0, h = lg ? lg.offsetHeight + 16 : 0;
    var beside = map.getBoundsZoom(bounds, false, L.point(w, top));
    var above = map.getBoundsZoom(bounds, false, L.point(0, top + h));
    var pad = above > beside ? [0, h] : [w, 0];
    map.fitBounds(bounds, {paddingTopLeft: [0, top], paddingBottomRight: pad, animate: false});
    // What the layout tests read: the units' box and the legend's box, in map pixels.
    var sw = map.latLngToContainerPoint(bounds[0]), ne = map.latLngToContainerPoint(bounds[1]);
    var box = el.getBoundingClientRect(), r = lg ? lg.getBoundingClientRect() : null;
    GeoMap.legendClear = {units: [sw.x, ne.y, ne.x, sw.y], pad: pad, count: GeoMap.count,
      legend: r ? [r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top] : null};
  }

  // Right after the frame is created it may not have its height yet: the padded fit then has no room and
  // Leaflet throws (NaN zoom). Try again once the frame is laid out, instead of leaving the render half done.
  function fitClearSoon(bounds, el, tries) {
    try {
      fitClear(bounds, el);
    } catch (e) {
      if (tries < 50) setTimeout(function () { map.invalidateSize(); fitClearSoon(bounds, el, tries + 1); }, 100);
    }
  }

  // The "have" handshake is a value sent to Streamlit, which reruns the page with it. On a busy server that rerun
  // has been seen not to come (the value sent while the first run was still going): the server then sends the
  // geometry again on the next restyle (megabytes nationally). Until a render confirms it (no geometry for the
  // layer shown), say it again, a little later each time.
  var ack = null, ackTries = 0, ackN = 0;
  function tell(value) {
    setValue(value);
    ack = value.have; ackTries = 0;
    remind();
  }
  function remind() {
    var waited = ack;
    setTimeout(function () {
      if (ack === null || ack !== waited || ackTries >= 6) return;
      ackTries += 1; ackN += 1;
      setValue({have: current, haveStatic: currentStatic, clicks: clicks, ack: ackN});
      remind();
    }, 1500 * Math.pow(2, ackTries));
  }

  function render(args) {
    if (!args.geometry && !args.static && args.gid === current && args.sid === currentStatic) ack = null;
    setHeight(args.height);
    document.getElementById("map").style.height = args.height + "px";
    var gid = args.gid;
    if (args.geometry) {
      GEOMETRIES[gid] = {G: JSON.parse(args.geometry), D: args.districts ? JSON.parse(args.districts) : null};
    }
    if (args.static) STATICS[args.sid] = JSON.parse(args.static);
    var entry = GEOMETRIES[gid], fixed = STATICS[args.sid];
    if (!entry || !fixed) {  // this frame was reloaded and lost the geometry or the layer's texts: ask once
      setValue({have: null, haveStatic: null, need: gid, clicks: clicks});
      return;
    }
    var S = JSON.parse(args.style);
    // Back together (geo.render.mapcomponent.split_style): the layer's texts kept here, classes and values unpacked.
    S.darcs = fixed.darcs; S.sov = fixed.sov; S.tip.names = fixed.names;
    if (fixed.cats) S.tip.cats = fixed.cats;
    if (typeof S.tip.valueText === "string") {  // "8,51|" + "" (no data) ... with the unit once (split_style)
      var vp = S.tip.valueParts || {}, suffix = vp.suffix || "", noData = vp.noData || "";
      S.tip.value = S.tip.valueText.split("|").map(function (v) { return v === "" ? noData : v + suffix; });
      delete S.tip.valueText;
    }
    loadAssets(args.assets, function () {
      S.cls = GeoMap.ints(S.cls);
      if (current === gid && window.GeoMap && GeoMap.update) {
        var t0 = performance.now();
        GeoMap.update(S);
        GeoMap.lastRestyle = performance.now() - t0;
        if (currentStatic !== args.sid) {  // new texts for the same geometry (e.g. another language): say so once
          currentStatic = args.sid;
          tell({have: current, haveStatic: currentStatic, clicks: clicks});
        }
      } else {
        if (map) { map.remove(); }
        var el = document.getElementById("map");
        map = L.map(el, {preferCanvas: true, zoomControl: true, zoomSnap: 0.25});  // fits beside the legend closely
        L.control.scale({imperial: false}).addTo(map);  // km only
        var b = args.bounds;
        if (b) map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
        GeoMap.mount(map, entry.G, S, entry.D);
        if (b) fitClearSoon([[b[1], b[0]], [b[3], b[2]]], el, 0);
        current = gid; currentStatic = args.sid;
        GeoMap.onclick = function (code) {
          if (!code) return;
          clicks += 1;
          setValue({have: current, haveStatic: currentStatic, click: code, clicks: clicks});
        };
        tell({have: gid, haveStatic: currentStatic, clicks: clicks});
      }
      if (args.focus) map.setView([args.focus[0], args.focus[1]], args.focus[2]);
      GeoMap.renders = (GeoMap.renders || 0) + 1;
    });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (data && data.type === "streamlit:render") render(data.args);
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
