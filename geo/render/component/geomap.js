// Choropleth of admin units on one Leaflet canvas, from shared arcs (geo.render.webmap).
// Used by the standalone page (inlined) and by the app's map component (geo/render/component).
// GeoMap.mount(map, G, S, D): G the encoded geometry (see webmap._encode), S the style
// (classes, palette, tooltips, legend), D optional outline geometry. GeoMap.update(S) restyles.
(function () {
  if (window.GeoMap && window.GeoMap.mount) return;
  var GeoMap = window.GeoMap = {};
    // Integers sent as text (webmap.encode_ints): 5 bits a character, a sixth for "more follows", zigzag sign.
    var DIGITS = new Int8Array(128);
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (ch, k) { DIGITS[ch.charCodeAt(0)] = k; });
    GeoMap.ints = function (s) {
      if (typeof s !== "string") return s;
      var out = [], v = 0, m = 1;
      for (var i = 0; i < s.length; i++) {
        var d = DIGITS[s.charCodeAt(i)];
        v += (d & 31) * m;
        if (d & 32) m *= 32;
        else { out.push(v % 2 ? -(v + 1) / 2 : v / 2); v = 0; m = 1; }
      }
      return out;
    };
    // Arcs of each level, projected once to Web Mercator pixels at zoom 0 (Float64Array x, y).
    GeoMap.decode = function (g) {
      var f0 = g.f, out = {codes: g.codes, levels: []}, D2R = Math.PI / 180;
      out.f = {r: GeoMap.ints(f0.r), rl: GeoMap.ints(f0.rl), pr: GeoMap.ints(f0.pr), fp: GeoMap.ints(f0.fp)};
      g.levels.forEach(function (lv) {
        var q = lv.q, n = GeoMap.ints(lv.n), c = GeoMap.ints(lv.c), xy = new Float64Array(c.length), start = new Int32Array(n.length + 1);
        var x = 0, y = 0, i;
        for (i = 0; i < c.length; i += 2) {
          x += c[i]; y += c[i + 1];
          var lat = Math.max(Math.min(y / q, 85), -85), s = Math.sin(lat * D2R);
          xy[i] = (x / q + 180) / 360 * 256;
          xy[i + 1] = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
        }
        for (i = 0; i < n.length; i++) start[i + 1] = start[i] + n[i];
        out.levels.push({z: lv.z, xy: xy, start: start});
      });
      // Rings as ranges of arc references; bounding boxes of units at the coarsest level.
      var f = out.f, ringStart = new Int32Array(f.rl.length + 1), polyStart = new Int32Array(f.pr.length + 1),
          featStart = new Int32Array(f.fp.length + 1), k;
      for (k = 0; k < f.rl.length; k++) ringStart[k + 1] = ringStart[k] + f.rl[k];
      for (k = 0; k < f.pr.length; k++) polyStart[k + 1] = polyStart[k] + f.pr[k];
      for (k = 0; k < f.fp.length; k++) featStart[k + 1] = featStart[k] + f.fp[k];
      out.ringStart = ringStart; out.polyStart = polyStart; out.featStart = featStart;
      var lv0 = out.levels[out.levels.length - 1], nf = f.fp.length, bb = new Float64Array(nf * 4);
      for (var i2 = 0; i2 < nf; i2++) {
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (var r = polyStart[featStart[i2]]; r < polyStart[featStart[i2 + 1]]; r++) {
          for (var a = ringStart[r]; a < ringStart[r + 1]; a++) {
            var ref = f.r[a], arc = ref < 0 ? ~ref : ref;
            for (var p = lv0.start[arc]; p < lv0.start[arc + 1]; p++) {
              var px = lv0.xy[2 * p], py = lv0.xy[2 * p + 1];
              if (px < x0) x0 = px; if (px > x1) x1 = px; if (py < y0) y0 = py; if (py > y1) y1 = py;
            }
          }
        }
        bb[4 * i2] = x0; bb[4 * i2 + 1] = y0; bb[4 * i2 + 2] = x1; bb[4 * i2 + 3] = y1;
      }
      out.bbox = bb;
      return out;
    };
    GeoMap.level = function (T, zoom) {
      var best = T.levels[0];
      T.levels.forEach(function (lv) { if (lv.z <= zoom + 0.5) best = lv; });
      return best;
    };
    // Trace one arc (or its reverse) into the current path; pixel = world * scale - origin.
    GeoMap.arc = function (ctx, lv, ref, sc, ox, oy, first) {
      var arc = ref < 0 ? ~ref : ref, a = lv.start[arc], b = lv.start[arc + 1] - 1, xy = lv.xy, p;
      if (ref >= 0) {
        if (first) ctx.moveTo(xy[2 * a] * sc - ox, xy[2 * a + 1] * sc - oy);
        for (p = a + 1; p <= b; p++) ctx.lineTo(xy[2 * p] * sc - ox, xy[2 * p + 1] * sc - oy);
      } else {
        if (first) ctx.moveTo(xy[2 * b] * sc - ox, xy[2 * b + 1] * sc - oy);
        for (p = b - 1; p >= a; p--) ctx.lineTo(xy[2 * p] * sc - ox, xy[2 * p + 1] * sc - oy);
      }
    };
    GeoMap.feature = function (ctx, T, lv, i, sc, ox, oy) {
      var f = T.f;
      for (var r = T.polyStart[T.featStart[i]]; r < T.polyStart[T.featStart[i + 1]]; r++) {
        for (var a = T.ringStart[r]; a < T.ringStart[r + 1]; a++) GeoMap.arc(ctx, lv, f.r[a], sc, ox, oy, a === T.ringStart[r]);
        ctx.closePath();
      }
    };
    GeoMap.inside = function (T, lv, i, x, y) {  // even-odd test in zoom-0 pixels
      var f = T.f, c = false, xy = lv.xy;
      for (var r = T.polyStart[T.featStart[i]]; r < T.polyStart[T.featStart[i + 1]]; r++) {
        for (var a = T.ringStart[r]; a < T.ringStart[r + 1]; a++) {
          var ref = f.r[a], arc = ref < 0 ? ~ref : ref;
          for (var p = lv.start[arc]; p < lv.start[arc + 1] - 1; p++) {
            var x1 = xy[2 * p], y1 = xy[2 * p + 1], x2 = xy[2 * p + 2], y2 = xy[2 * p + 3];
            if ((y1 > y) !== (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1) c = !c;
          }
        }
      }
      return c;
    };
    GeoMap.pattern = function (ctx, d, size) {
      var pc = document.createElement("canvas");
      pc.width = pc.height = size;
      var g = pc.getContext("2d");
      g.strokeStyle = d.color; g.fillStyle = d.color; g.lineWidth = 1.5;
      g.beginPath();
      if (d.pattern === "dots") { g.arc(size / 2, size / 2, 1.6, 0, 2 * Math.PI); g.fill(); }
      else {
        if (d.pattern === "hatch" || d.pattern === "cross") { g.moveTo(0, size); g.lineTo(size, 0); g.moveTo(-1, 1); g.lineTo(1, -1); g.moveTo(size - 1, size + 1); g.lineTo(size + 1, size - 1); }
        if (d.pattern === "hatch_back" || d.pattern === "cross") { g.moveTo(0, 0); g.lineTo(size, size); g.moveTo(size - 1, -1); g.lineTo(size + 1, 1); g.moveTo(-1, size - 1); g.lineTo(1, size + 1); }
        if (d.pattern === "horizontal") { g.moveTo(0, size / 2); g.lineTo(size, size / 2); }
        g.stroke();
      }
      return ctx.createPattern(pc, "repeat");
    };

    // Zoom-0 pixel of a longitude, latitude (Web Mercator, as GeoMap.decode).
    GeoMap.world = function (lon, lat) {
      var s = Math.sin(Math.max(Math.min(lat, 85), -85) * Math.PI / 180);
      return [(lon + 180) / 360 * 256, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256];
    };
    // Quần đảo Hoàng Sa and Trường Sa: their islands outlined and each labelled with its province.
    GeoMap.sovereignty = function (ctx, V, sc, ox, oy, frame) {
      var st = V.style;
      ctx.beginPath();
      V.islands.forEach(function (ring) {
        for (var i = 0; i < ring.length; i += 2) {
          var w = GeoMap.world(ring[i], ring[i + 1]), x = w[0] * sc - ox, y = w[1] * sc - oy;
          if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
        ctx.closePath();
      });
      ctx.globalAlpha = st.fillOpacity; ctx.fillStyle = st.fill; ctx.fill("nonzero");
      ctx.globalAlpha = 1; ctx.strokeStyle = st.color; ctx.lineWidth = st.weight; ctx.stroke();
      ctx.font = st.font; ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
      GeoMap.sovereigntyBoxes = [];
      V.labels.forEach(function (lb) {  // canvas text: never parsed as HTML
        var w = GeoMap.world(lb.lon, lb.lat), x = w[0] * sc - ox, y = w[1] * sc - oy;
        var at = frame ? GeoMap.keepInFrame(frame, x, y, ctx.measureText(lb.text).width + 6, 18) : [x, y];
        ctx.strokeStyle = st.halo; ctx.lineWidth = 3; ctx.strokeText(lb.text, at[0], at[1]);
        ctx.fillStyle = st.color; ctx.fillText(lb.text, at[0], at[1]);
        if (frame) GeoMap.sovereigntyBoxes.push(at[2]);
      });
      GeoMap.sovereigntyDrawn = V.labels.map(function (lb) { return lb.text; });
    };
    // A label whose point is in view is moved the least needed to be whole inside the frame and off the legend:
    // on a national map Trường Sa's label sits at the right edge, beside the legend. frame: {x0, y0, x1, y1} of the
    // view and avoid: [x0, y0, x1, y1] of the legend, in the canvas' pixels. Returns [x, y, box in map pixels].
    GeoMap.keepInFrame = function (frame, x, y, w, h) {
      var m = 4, inside = x >= frame.x0 && x <= frame.x1 && y >= frame.y0 && y <= frame.y1;
      function clamp(v, lo, hi) { return lo > hi ? (lo + hi) / 2 : Math.min(Math.max(v, lo), hi); }
      if (inside) {
        x = clamp(x, frame.x0 + w / 2 + m, frame.x1 - w / 2 - m);
        y = clamp(y, frame.y0 + h / 2 + m, frame.y1 - h / 2 - m);
        var a = frame.avoid;
        if (a && x + w / 2 > a[0] && x - w / 2 < a[2] && y + h / 2 > a[1] && y - h / 2 < a[3]) {
          var left = a[0] - m - w / 2, up = a[1] - m - h / 2;  // beside the legend, or above it
          var canLeft = left - w / 2 >= frame.x0 + m, canUp = up - h / 2 >= frame.y0 + m;
          if (canLeft && (!canUp || x - left <= y - up)) x = left; else if (canUp) y = up;
        }
      }
      return [x, y, [x - w / 2 - frame.dx, y - h / 2 - frame.dy, x + w / 2 - frame.dx, y + h / 2 - frame.dy]];
    };

  GeoMap.mount = function (map, G, S, D) {
    var T = GeoMap.decode(G), TD = D ? GeoMap.decode(D) : null, nf = G.codes.length, TIP = S.tip;
    var desOf = [];
    S.des.forEach(function (d) { d.idx.forEach(function (i) { (desOf[i] = desOf[i] || []).push(d.label); }); });
    function tooltip(i) {
      var h = "<b>" + (TIP.names[i] === null ? G.codes[i] : TIP.names[i]) + "</b>";
      (TIP.cats || []).forEach(function (c) { if (c.idx[i] >= 0) h += "<br>" + c.label + ": " + c.table[c.idx[i]]; });
      h += "<br>" + TIP.valueLabel + ": <b>" + TIP.value[i] + "</b>";
      TIP.extras.forEach(function (e) { h += "<br>" + e.label + ": " + e.values[i]; });
      if (desOf[i]) h += "<br>" + S.desLabel + ": " + desOf[i].join(", ");
      return h;
    }
    var state = {cls: S.cls, pal: S.pal, hover: -1, sel: S.sel};
    var renderer = L.canvas({padding: 0.2});
    renderer.addTo(map);
    var patterns = null;
    // Paths are built once per level of detail, in zoom-0 pixels relative to the layer's corner (small numbers:
    // float precision holds to the finest zoom), and drawn under a transform: a zoom or a pan re-traces nothing.
    var BX = T.bbox.length ? Infinity : 0, BY = BX;
    for (var q0 = 0; q0 < nf; q0++) { BX = Math.min(BX, T.bbox[4 * q0]); BY = Math.min(BY, T.bbox[4 * q0 + 1]); }
    var cache = {};  // level zoom -> {unit: [Path2D], cls: {version, paths}, borders: Path2D, darcs, outlines}
    var styleVersion = 0;
    function levelCache(lv) { return cache[lv.z] || (cache[lv.z] = {unit: new Array(nf), cls: null}); }
    function unitPath(C, lv, i) {
      var p = C.unit[i];
      if (!p) { p = C.unit[i] = new Path2D(); GeoMap.feature(p, T, lv, i, 1, BX, BY); }
      return p;
    }
    function arcsPath(lv, list) {
      var p = new Path2D();
      for (var a = 0; a < list.length; a++) GeoMap.arc(p, lv, list[a], 1, BX, BY, true);
      return p;
    }
    // The part of the canvas the reader sees (the canvas is larger, by the renderer's padding), and the legend in it.
    function viewFrame() {
      var size = map.getSize(), p0 = map.containerPointToLayerPoint([0, 0]), el = map.getContainer();
      var f = {x0: p0.x, y0: p0.y, x1: p0.x + size.x, y1: p0.y + size.y, dx: p0.x, dy: p0.y, avoid: null};
      if (legendDiv && legendDiv.offsetWidth) {
        var r = legendDiv.getBoundingClientRect(), box = el.getBoundingClientRect();
        f.avoid = [p0.x + r.left - box.left, p0.y + r.top - box.top, p0.x + r.right - box.left, p0.y + r.bottom - box.top];
      }
      return f;
    }
    function draw() {
      var ctx = renderer._ctx;
      if (!ctx || !renderer._bounds) return;
      var t0 = performance.now();
      var zoom = map.getZoom(), sc = Math.pow(2, zoom), org = map.getPixelOrigin(), ox = org.x, oy = org.y;
      var b = renderer._bounds, vx0 = (b.min.x + ox) / sc, vy0 = (b.min.y + oy) / sc, vx1 = (b.max.x + ox) / sc, vy1 = (b.max.y + oy) / sc;
      var lv = GeoMap.level(T, zoom), bb = T.bbox, i, c, C = levelCache(lv);
      ctx.clearRect(b.min.x, b.min.y, b.max.x - b.min.x, b.max.y - b.min.y);
      var visible = [];
      for (i = 0; i < nf; i++) if (bb[4 * i] <= vx1 && bb[4 * i + 2] >= vx0 && bb[4 * i + 1] <= vy1 && bb[4 * i + 3] >= vy0) visible.push(i);
      var all = visible.length === nf;
      // One path per class, filled once; with every unit in view the class paths are kept until a restyle.
      var classPaths;
      if (all && C.cls && C.cls.version === styleVersion) classPaths = C.cls.paths;
      else {
        classPaths = {};
        visible.forEach(function (i) { var k = state.cls[i]; (classPaths[k] = classPaths[k] || new Path2D()).addPath(unitPath(C, lv, i)); });
        if (all) C.cls = {version: styleVersion, paths: classPaths};
      }
      ctx.save();
      ctx.transform(sc, 0, 0, sc, BX * sc - ox, BY * sc - oy);
      var px = 1 / sc;  // one screen pixel in path units
      ctx.globalAlpha = S.unit.fillOpacity;
      for (c in classPaths) { ctx.fillStyle = c < 0 ? S.nd : state.pal[c]; ctx.fill(classPaths[c], "nonzero"); }
      ctx.globalAlpha = 1;
      ctx.lineJoin = "bevel";
      // Unit borders only when units are big enough on screen to show them (about 6 px across); every arc once.
      var span = 0;
      visible.forEach(function (i) { span += (bb[4 * i + 2] - bb[4 * i]) * sc; });
      var showBorders = visible.length > 0 && span / visible.length >= 6;
      if (showBorders) {
        var borders;
        if (all) borders = C.borders || (C.borders = arcsPath(lv, Array.from({length: lv.start.length - 1}, function (_, k) { return k; })));
        else {
          var seen = new Uint8Array(lv.start.length - 1), list = [];
          visible.forEach(function (i) {
            for (var r = T.polyStart[T.featStart[i]]; r < T.polyStart[T.featStart[i + 1]]; r++) {
              for (var a = T.ringStart[r]; a < T.ringStart[r + 1]; a++) {
                var ref = T.f.r[a], arc = ref < 0 ? ~ref : ref;
                if (!seen[arc]) { seen[arc] = 1; list.push(arc); }
              }
            }
          });
          borders = arcsPath(lv, list);
        }
        ctx.strokeStyle = S.unit.color; ctx.lineWidth = S.unit.weight * px; ctx.globalAlpha = S.unit.opacity; ctx.stroke(borders);
        ctx.globalAlpha = 1;
      }
      if (S.darcs || TD) {
        // Thin when the units are too small for their own borders (a national commune map): outlines, not ink.
        ctx.strokeStyle = S.district.color; ctx.lineWidth = (showBorders ? S.district.weight : 0.5) * px;
        ctx.globalAlpha = showBorders ? S.district.opacity : 0.6;
        if (S.darcs) {
          if (!C.darcs || C.darcsOf !== S.darcs) { C.darcs = arcsPath(lv, S.darcs); C.darcsOf = S.darcs; }
          ctx.stroke(C.darcs);
        }
        if (TD) {
          var lvd = GeoMap.level(TD, zoom);
          if (!C.outlines) {
            C.outlines = new Path2D();
            for (var a2 = 0; a2 < lvd.start.length - 1; a2++) GeoMap.arc(C.outlines, lvd, a2, 1, BX, BY, true);
          }
          ctx.stroke(C.outlines);
        }
        ctx.globalAlpha = 1;
      }
      ctx.restore();
      if (S.sov) GeoMap.sovereignty(ctx, S.sov, sc, ox, oy, viewFrame());
      if (!patterns) patterns = S.des.map(function (d) { return d.pattern ? GeoMap.pattern(ctx, d, S.pattern) : null; });
      var M = new DOMMatrix([sc, 0, 0, sc, BX * sc - ox, BY * sc - oy]);
      function screenPath(list) {  // in layer pixels: patterns and dashes keep their screen size
        var p = new Path2D();
        list.forEach(function (i) { p.addPath(unitPath(C, lv, i), M); });
        return p;
      }
      S.des.forEach(function (d, k) {
        if (!d.idx.length) return;
        var p = screenPath(d.idx);
        if (patterns[k]) { ctx.fillStyle = patterns[k]; ctx.fill(p, "nonzero"); }
        ctx.setLineDash(d.dash ? d.dash.split(" ").map(Number) : []);
        ctx.strokeStyle = d.color; ctx.lineWidth = d.weight; ctx.stroke(p);
        ctx.setLineDash([]);
      });
      function outline(list, colour, width) {
        if (!list.length) return;
        var p = screenPath(list);
        ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.stroke(p);
      }
      var ss = S.selStyle;
      outline(state.sel, ss.halo, ss.halo_weight);
      outline(state.sel, ss.color, ss.weight);
      if (state.hover >= 0) outline([state.hover], S.hover.color, S.hover.weight);
      GeoMap.lastDraw = {ms: performance.now() - t0, level: lv.z, units: visible.length};
      if (!GeoMap.drawnAt) GeoMap.drawnAt = performance.now();
    }
    // Leaflet's canvas renderer clears and redraws its canvas (moves, zooms, resets): draw the units then.
    renderer._draw = draw;
    draw();
    function unitAt(latlng) {
      var p = map.project(latlng, 0), lv = GeoMap.level(T, map.getZoom()), bb = T.bbox;
      for (var i = 0; i < nf; i++) {
        if (p.x < bb[4 * i] || p.x > bb[4 * i + 2] || p.y < bb[4 * i + 1] || p.y > bb[4 * i + 3]) continue;
        if (GeoMap.inside(T, lv, i, p.x, p.y)) return i;
      }
      return -1;
    }
    var tip = L.tooltip({sticky: true, className: "geo-tip", direction: "auto"});
    map.on("mousemove", function (e) {
      var i = unitAt(e.latlng);
      if (i !== state.hover) { state.hover = i; draw(); }
      if (i >= 0) { tip.setLatLng(e.latlng).setContent(tooltip(i)); if (!map.hasLayer(tip)) tip.addTo(map); }
      else if (map.hasLayer(tip)) map.removeLayer(tip);
    });
    map.on("mouseout", function () { state.hover = -1; if (map.hasLayer(tip)) map.removeLayer(tip); draw(); });
    map.on("click", function (e) {
      var i = unitAt(e.latlng);
      GeoMap.clicked = i >= 0 ? G.codes[i] : null;
      map.fire("geo:unit", {code: GeoMap.clicked});
      if (GeoMap.onclick) GeoMap.onclick(GeoMap.clicked);
    });
    // Restyle in place: new classes and palette, same geometry.
    GeoMap.restyle = function (cls, pal, sel) { if (cls !== state.cls) styleVersion++; state.cls = cls; state.pal = pal; if (sel) state.sel = sel; draw(); };
    // A new style from the app (classes, palette, values, legend, overlays): no geometry.
    GeoMap.update = function (S2) {
      Object.keys(S2).forEach(function (k) { S[k] = S2[k]; });
      TIP = S.tip; desOf = []; patterns = null;
      S.des.forEach(function (d) { d.idx.forEach(function (i) { (desOf[i] = desOf[i] || []).push(d.label); }); });
      var same = S.cls.length === state.cls.length && S.cls.every(function (c, i) { return c === state.cls[i]; });
      if (!same) styleVersion++;  // a palette change keeps the class paths: only the colours change
      state.cls = S.cls; state.pal = S.pal; state.sel = S.sel;
      if (legendDiv) legendDiv.innerHTML = S.legend;
      if (head) head.innerHTML = S.header || "";
      draw();
    };
    GeoMap.map = map; GeoMap.draw = draw; GeoMap.count = nf; GeoMap.codes = G.codes;
    GeoMap.unitAt = function (x, y) { var i = unitAt(map.containerPointToLatLng([x, y])); return i >= 0 ? G.codes[i] : null; };
    // Fill colour of each unit, in code order of G.codes (what a reader sees).
    GeoMap.fills = function () { return state.cls.map(function (c) { return c < 0 ? S.nd : state.pal[c]; }); };
    // A container point inside the largest unit fully in view, or inside unit ``code`` (for tests and tours).
    GeoMap.unitPoint = function (code) {
      var size = map.getSize(), sc = Math.pow(2, map.getZoom()), org = map.getPixelOrigin(), best = -1, area = 0;
      var lv = GeoMap.level(T, map.getZoom()), bb = T.bbox;
      for (var i = 0; i < nf; i++) {
        if (code !== undefined && G.codes[i] !== code) continue;
        var x0 = bb[4 * i] * sc - org.x, y0 = bb[4 * i + 1] * sc - org.y, x1 = bb[4 * i + 2] * sc - org.x, y1 = bb[4 * i + 3] * sc - org.y;
        if (x0 < 0 || y0 < 0 || x1 > size.x || y1 > size.y) continue;
        if ((x1 - x0) * (y1 - y0) > area) { area = (x1 - x0) * (y1 - y0); best = i; }
      }
      if (best < 0) return null;
      var b = [bb[4 * best], bb[4 * best + 1], bb[4 * best + 2], bb[4 * best + 3]];
      for (var fx = 0.5; fx > 0.05; fx -= 0.1) for (var fy = 0.5; fy > 0.05; fy -= 0.1) {
        for (var sx = -1; sx <= 1; sx += 2) for (var sy = -1; sy <= 1; sy += 2) {
          var px = b[0] + (b[2] - b[0]) * (0.5 + sx * (0.5 - fx)), py = b[1] + (b[3] - b[1]) * (0.5 + sy * (0.5 - fy));
          if (GeoMap.inside(T, lv, best, px, py)) return [px * sc - org.x, py * sc - org.y, G.codes[best]];
        }
      }
      return null;
    };
    var legend = L.control({position: "bottomright"});
    var legendDiv = null, head = null;
    legend.onAdd = function () {
      var div = legendDiv = L.DomUtil.create("div", "geo-legend");
      div.innerHTML = S.legend;
      L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    head = L.DomUtil.create("div", "geo-header", map.getContainer());
    head.innerHTML = S.header || "";
    return GeoMap;
  };
})();
