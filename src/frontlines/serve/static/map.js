// The interactive map: country outlines (Natural Earth, vendored), imported boundary areas coloured by status,
// large markers for who holds each place, small clustered markers for events above them, a date slider that
// replays control, and a timeline whose brushed range filters the map and the list.
// Everything from the store is inserted with textContent or as attributes, never as HTML.
"use strict";
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const slider = document.getElementById("as-of-slider");
  const dateInput = document.getElementById("as-of-date");
  const daysInput = document.getElementById("days");
  const label = document.getElementById("as-of-label");
  const list = document.getElementById("map-events");
  const count = document.getElementById("events-count");
  const countDays = document.getElementById("events-days");
  const control = document.getElementById("control-counts");
  const tableLink = document.getElementById("events-table-link");
  const svgLink = document.getElementById("map-svg-link");
  const first = new Date(slider.dataset.first + "T00:00:00Z");
  const DAY = 86400000;
  const colours = {}, labels = {};
  document.querySelectorAll("#legend li").forEach((li) => {
    colours[li.dataset.key] = li.querySelector(".swatch").dataset.colour;
    labels[li.dataset.key] = li.textContent.trim();
    li.querySelector(".swatch").style.background = li.querySelector(".swatch").dataset.colour;
  });

  function colourOf(status) {
    if (colours[status]) return colours[status];
    return status.startsWith("held:") ? colours["held:other"] || "#7f8c8d" : colours.unknown || "#d5d8dc";
  }
  function dayAt(offset) { return new Date(first.getTime() + offset * DAY).toISOString().slice(0, 10); }
  function offsetOf(day) { return Math.round((new Date(day + "T00:00:00Z") - first) / DAY); }
  function node(tag, text, cls) {
    const n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    return n;
  }
  function link(text, href) { const a = node("a", text); a.href = href; return a; }
  function statusText(status) { return labels[status] || status.replace("held:", "held by "); }

  // -- the map and its panes: countries, areas, control, events (each above the one before) ----------------
  const map = L.map(el, { zoomSnap: 0.25, worldCopyJump: true, minZoom: 2, maxZoom: 14 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Leaflet · outlines: Natural Earth");
  [["countries", 200], ["areas", 300], ["control", 450], ["events", 620]].forEach(([name, z]) => {
    map.createPane(name).style.zIndex = String(z);
  });
  const bbox = JSON.parse(el.dataset.bbox || "null");
  if (bbox) map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { padding: [12, 12] });
  else map.setView([20, 0], 2);

  fetch("/static/vendor/countries.geojson").then((r) => r.json()).then((world) => {
    L.geoJSON(world, {
      pane: "countries", interactive: false,
      style: () => ({ color: "#6c7a7d", weight: 1, fillColor: "#fbfcfc", fillOpacity: 1 }),
      onEachFeature: (feature, layer) => { layer.options.className = "country"; },
    }).addTo(map);
    el.dataset.countries = String(world.features.length);
    if (bbox) frameCountry(world);
    labelCountries(world);
  });

  // The data's frame grows to the whole country it lies in (the smallest outline around its centre).
  function frameCountry(world) {
    const data = L.latLngBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
    const centre = data.getCenter();
    let best = null, bestArea = Infinity;
    world.features.forEach((f) => {
      const b = L.geoJSON(f).getBounds();
      const area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (b.contains(centre) && area < bestArea && area < 2500) { best = b; bestArea = area; }
    });
    if (best) map.fitBounds(best.extend(data), { padding: [12, 12] });
  }

  function labelCountries(world) {
    const view = map.getBounds();
    world.features.forEach((f) => {
      const layer = L.geoJSON(f);
      const centre = layer.getBounds().getCenter();
      if (!view.contains(centre)) return;
      L.marker(centre, { pane: "countries", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "country-label", html: "", iconSize: null }) })
        .addTo(map).getElement().textContent = f.properties.name;
    });
  }

  let areaLayer = null;
  const areaStatus = {};
  function paintAreas() {
    if (!areaLayer) return;
    areaLayer.setStyle((f) => ({ color: "#ffffff", weight: 1, fillOpacity: 0.55,
      fillColor: colourOf(areaStatus[f.properties.id] || "unknown") }));
  }
  if (el.dataset.areas === "yes") {
    fetch("/map/areas.json").then((r) => r.json()).then((areas) => {
      areaLayer = L.geoJSON(areas, { pane: "areas",
        onEachFeature: (f, layer) => layer.bindTooltip(node("span", f.properties.name)) }).addTo(map);
      paintAreas();
    });
  }

  const controlLayer = L.layerGroup().addTo(map);
  const events = L.markerClusterGroup({ clusterPane: "events", maxClusterRadius: 40, showCoverageOnHover: false,
    spiderfyOnMaxZoom: true, disableClusteringAtZoom: 11 }).addTo(map);

  function controlPopup(row) {
    const box = node("div", null, "popup");
    box.appendChild(node("strong", row.place_name));
    box.appendChild(node("div", statusText(row.status_key) + (row.valid_from ? " since " + row.valid_from : "")));
    const ids = row.evidence_event_ids || [];
    if (ids.length) {
      const p = node("div", "evidence: ");
      ids.slice(0, 5).forEach((id, i) => {
        if (i) p.appendChild(document.createTextNode(", "));
        p.appendChild(link(id, "/events/" + encodeURIComponent(id)));
      });
      box.appendChild(p);
    }
    return box;
  }

  function eventPopup(e) {
    const box = node("div", null, "popup");
    box.appendChild(node("strong", [e.event_date, e.sub_event_type || e.event_type].join(" · ")));
    box.appendChild(node("div", e.location || ""));
    box.appendChild(node("div", [e.actor1, e.actor2].filter(Boolean).join(" vs ")));
    box.appendChild(node("div", (e.source_count || 0) + " source(s)"));
    const a = link("The event and its sources", "/events/" + encodeURIComponent(e.event_id_cnty));
    a.className = "event-link";
    box.appendChild(a);
    return box;
  }

  function drawControl(rows) {
    controlLayer.clearLayers();
    rows.forEach((row) => {
      if (row.lat === null || row.lon === null || row.kind === "district" || row.kind === "province") return;
      const marker = L.circleMarker([row.lat, row.lon], { pane: "control", radius: 9, weight: 2, color: "#ffffff",
        fillColor: colourOf(row.status_key), fillOpacity: 0.95, className: "control-marker" });
      marker.bindTooltip(node("span", row.place_name + ": " + statusText(row.status_key)));
      marker.bindPopup(() => controlPopup(row));
      marker.addTo(controlLayer);
      const path = marker.getElement();
      if (path) { path.dataset.place = row.place_name; path.dataset.status = row.status_key; }
    });
  }

  function drawEvents(rows) {
    events.clearLayers();
    events.addLayers(rows.filter((e) => e.latitude !== null && e.longitude !== null).map((e) => {
      const marker = L.circleMarker([e.latitude, e.longitude], { pane: "events", radius: 5, weight: 1,
        color: "#ffffff", fillColor: "#1b2631", fillOpacity: 0.9, className: "event-marker" });
      marker.bindPopup(() => eventPopup(e));
      marker.on("add", () => { const p = marker.getElement(); if (p) p.dataset.event = e.event_id_cnty; });
      return marker;
    }));
  }

  function fillList(data) {
    count.textContent = String(data.events_total);
    countDays.textContent = String(data.days);
    list.replaceChildren(...data.events.slice(0, 200).map((e) => {
      const li = node("li");
      li.appendChild(link([e.event_date, e.sub_event_type || e.event_type, e.location || ""].join(" · "),
        "/events/" + encodeURIComponent(e.event_id_cnty)));
      return li;
    }));
    const statuses = Object.entries(data.control_counts);
    control.replaceChildren(...(statuses.length
      ? statuses.map(([status, n]) => node("li", statusText(status) + ": " + n))
      : [node("li", "No control status recorded for this day.")]));
  }

  let latest = 0;
  function show(day, days) {
    days = String(days || daysInput.value || slider.dataset.days || "30");
    const query = "as_of=" + encodeURIComponent(day) + "&days=" + encodeURIComponent(days);
    const mine = ++latest;
    label.textContent = day;
    dateInput.value = day;
    daysInput.value = days;
    slider.value = String(offsetOf(day));
    svgLink.href = "/map.svg?" + query;
    const from = new Date(new Date(day + "T00:00:00Z").getTime() - (Number(days) - 1) * DAY).toISOString().slice(0, 10);
    tableLink.href = "/events?date_from=" + from + "&date_to=" + day;
    history.replaceState(null, "", "/map?" + query);
    fetch("/map.json?" + query + "&limit=1000", { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (mine !== latest) return;
        drawControl(data.control);
        drawEvents(data.events);
        Object.keys(areaStatus).forEach((k) => delete areaStatus[k]);
        Object.assign(areaStatus, data.area_status || {});
        paintAreas();
        fillList(data);
        document.body.dataset.shownAsOf = day;
        document.body.dataset.shownDays = days;
      })
      .catch(() => { count.textContent = "?"; });
  }

  let timer = null;
  slider.addEventListener("input", () => {
    const day = dayAt(Number(slider.value));
    label.textContent = day;
    clearTimeout(timer);
    timer = setTimeout(() => show(day), 120);
  });
  show(el.dataset.asOf, el.dataset.days);
  window.frontlinesMap = { show: show, map: map };

  // -- the timeline: stacked bars of events per day by type, control changes marked, a brush -----------
  const box = document.getElementById("timeline");
  if (!box) return;
  const SVG = "http://www.w3.org/2000/svg";
  const TYPE_COLOURS = ["#34495e", "#8e44ad", "#16a085", "#a04000", "#95a5a6", "#d4ac0d", "#5d6d7e", "#117864"];
  function svg(tag, attrs) {
    const n = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => n.setAttribute(k, String(v)));
    return n;
  }
  fetch(box.dataset.src).then((r) => r.json()).then((data) => {
    if (!data.days.length) { box.appendChild(node("p", "No dated events.", "meta")); return; }
    const all = data.days.map((d) => d.day).concat(data.control_changes.map((c) => c.day)).sort();
    const start = new Date(all[0] + "T00:00:00Z").getTime();
    const end = new Date(all[all.length - 1] + "T00:00:00Z").getTime();
    const n = Math.max(1, Math.round((end - start) / DAY) + 1);
    const W = 1000, H = 160, top = 14, bottom = 2;
    const peak = Math.max(...data.days.map((d) => d.total));
    const chart = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "timeline-chart", role: "img",
      preserveAspectRatio: "none",
      "aria-label": "Events per day by type" });
    const bw = W / n;
    const x = (day) => ((new Date(day + "T00:00:00Z").getTime() - start) / DAY) * bw;
    const typeColour = {};
    data.types.forEach((t, i) => { typeColour[t] = TYPE_COLOURS[i % TYPE_COLOURS.length]; });
    const sideColour = {};
    (data.sides || []).forEach((s) => { sideColour[s.key] = colourOf("held:" + s.key); });
    const bars = svg("g", { class: "bars" });
    chart.appendChild(bars);
    const key = document.getElementById("timeline-key");
    // Stacks by event type, or by the side of the first actor (the sides of the map's legend).
    function drawBars(mode) {
      const groups = mode === "side" ? (data.sides || []).map((s) => [s.key, s.label, sideColour[s.key], s.events])
        : data.types.map((t) => [t, t, typeColour[t], data.totals[t]]);
      bars.replaceChildren();
      data.days.forEach((d) => {
        let y = H - bottom;
        const counts = mode === "side" ? d.by_side || {} : d.counts;
        groups.forEach(([k, name, colour]) => {
          const c = counts[k] || 0;
          if (!c) return;
          const h = (c / peak) * (H - top - bottom);
          y -= h;
          const bar = svg("rect", { x: x(d.day), y: y, width: Math.max(bw - 0.5, 0.8), height: h, fill: colour });
          bar.appendChild(svg("title")).textContent = d.day + ": " + c + " " + name;
          bars.appendChild(bar);
        });
      });
      key.replaceChildren(...groups.map(([, name, colour, n]) => {
        const li = node("li");
        const sw = node("span", null, "swatch");
        sw.style.background = colour;
        li.append(sw, document.createTextNode(name + " (" + n + ")"));
        return li;
      }));
      box.dataset.mode = mode;
    }
    drawBars("type");
    document.querySelectorAll("input[name=timeline-by]").forEach((radio) => {
      radio.addEventListener("change", () => { if (radio.checked) drawBars(radio.value); });
    });
    data.control_changes.forEach((c) => {
      const mark = svg("path", { d: "M" + (x(c.day) + bw / 2) + " " + (top - 2) + " l-4 -8 h8 z",
        fill: colourOf(c.status_key), stroke: "#333", "stroke-width": 0.5, class: "control-change" });
      mark.appendChild(svg("title")).textContent = c.day + ": " + c.place_name + " " + statusText(c.status_key);
      chart.appendChild(mark);
    });
    const axis = node("div", null, "timeline-axis");
    axis.append(node("span", all[0]), node("span", "at most " + peak + " event(s) a day"), node("span", all[all.length - 1]));
    const brush = svg("rect", { y: 0, height: H - bottom + 2, x: 0, width: 0, class: "brush" });
    chart.appendChild(brush);
    box.append(chart, axis);

    const dayOf = (clientX) => {
      const r = chart.getBoundingClientRect();
      const i = Math.min(n - 1, Math.max(0, Math.floor(((clientX - r.left) / r.width) * n)));
      return new Date(start + i * DAY).toISOString().slice(0, 10);
    };
    let anchor = null;
    function paintBrush(a, b) {
      const lo = a < b ? a : b, hi = a < b ? b : a;
      brush.setAttribute("x", String(x(lo)));
      brush.setAttribute("width", String(x(hi) - x(lo) + bw));
      return [lo, hi];
    }
    chart.addEventListener("pointerdown", (ev) => {
      anchor = dayOf(ev.clientX);
      chart.setPointerCapture(ev.pointerId);
      paintBrush(anchor, anchor);
    });
    chart.addEventListener("pointermove", (ev) => { if (anchor) paintBrush(anchor, dayOf(ev.clientX)); });
    chart.addEventListener("pointerup", (ev) => {
      if (!anchor) return;
      const [lo, hi] = paintBrush(anchor, dayOf(ev.clientX));
      anchor = null;
      const days = Math.round((new Date(hi + "T00:00:00Z") - new Date(lo + "T00:00:00Z")) / DAY) + 1;
      document.getElementById("brush-label").textContent = lo === hi ? lo : lo + " to " + hi;
      box.dataset.range = lo + "/" + hi;
      show(hi, days);
    });
  });
})();
