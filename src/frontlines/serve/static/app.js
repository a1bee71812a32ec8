// The map page's date slider: swaps in the server-rendered SVG and the event list for the chosen day.
// Everything from the store is inserted with textContent, never as HTML.
"use strict";
(function () {
  const slider = document.getElementById("as-of-slider");
  if (!slider) return;
  const first = new Date(slider.dataset.first + "T00:00:00Z");
  const dateInput = document.getElementById("as-of-date");
  const daysInput = document.getElementById("days");
  const label = document.getElementById("as-of-label");
  const image = document.getElementById("map-image");
  const list = document.getElementById("map-events");
  const count = document.getElementById("events-count");
  const control = document.getElementById("control-counts");
  let timer = null;
  let latest = 0;

  function dayAt(offset) {
    return new Date(first.getTime() + offset * 86400000).toISOString().slice(0, 10);
  }

  function item(text, href) {
    const li = document.createElement("li");
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      li.appendChild(a);
    } else {
      li.textContent = text;
    }
    return li;
  }

  function fill(data) {
    count.textContent = String(data.events_total);
    list.replaceChildren(...data.events.slice(0, 200).map((e) => item(
      [e.event_date, e.sub_event_type || e.event_type, e.location || ""].join(" · "),
      "/events/" + encodeURIComponent(e.event_id_cnty))));
    const statuses = Object.entries(data.control_counts);
    control.replaceChildren(...(statuses.length
      ? statuses.map(([status, n]) => item(status.replace("held:", "held by ") + ": " + n))
      : [item("No control status recorded for this day.")]));
  }

  function show(day) {
    const days = daysInput.value || slider.dataset.days || "30";
    const query = "as_of=" + encodeURIComponent(day) + "&days=" + encodeURIComponent(days);
    const mine = ++latest;
    label.textContent = day;
    dateInput.value = day;
    image.alt = "Map of events and control status as of " + day;
    image.src = "/map.svg?" + query;
    history.replaceState(null, "", "/map?" + query);
    fetch("/map.json?" + query + "&limit=200", { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => { if (mine === latest) { fill(data); document.body.dataset.shownAsOf = day; } })
      .catch(() => { count.textContent = "?"; });
  }

  slider.addEventListener("input", () => {
    const day = dayAt(Number(slider.value));
    label.textContent = day;
    clearTimeout(timer);
    timer = setTimeout(() => show(day), 120);
  });
})();
