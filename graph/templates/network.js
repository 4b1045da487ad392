// Draws the actor network from the JSON block above. Data text only ever reaches the page as
// text: vis-network draws labels on the canvas and sets string tooltips with innerText, and
// everything else here uses textContent or option.value. Names are looked up in Maps, never in
// plain objects, so an actor called "constructor" or "__proto__" is just a name.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var container = document.getElementById("network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;
  var panels = new Map(data.panel);

  function ready() {
    document.body.setAttribute("data-state", "ready");
  }
  if (data.nodes.length === 0) {
    var empty = document.createElement("p");
    empty.id = "empty";
    empty.textContent = "No actors match these filters.";
    container.appendChild(empty);
    ready();
  } else {
    // Positions come with the data (laid out once, the same every time): nothing moves.
    network.once("afterDrawing", function () {
      network.fit({ animation: false });
      ready();
    });
  }
  // Captions of the groups set apart (actors with no tie), drawn on the canvas under the nodes
  // while those actors are shown.
  var filtering = false;
  network.on("beforeDrawing", function (context) {
    if (filtering) {
      return;
    }
    context.save();
    context.font = "600 22px system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif";
    context.fillStyle = "#5c6370";
    data.groups.forEach(function (group) {
      context.fillText(group.label, group.x, group.y);
    });
    context.restore();
  });

  // --- search by label or alias -------------------------------------------------------------
  var byName = new Map();
  var list = document.getElementById("actor-names");
  data.nodes.slice().sort(function (a, b) {
    return a.label.localeCompare(b.label);
  }).forEach(function (node) {
    var names = [node.label, node.id].concat((panels.get(node.id) || { aliases: [] }).aliases);
    names.forEach(function (name) {
      var key = name.toLowerCase();
      if (!byName.has(key)) {
        byName.set(key, node.id);
      }
    });
    var option = document.createElement("option");
    option.value = node.label;
    list.appendChild(option);
  });

  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  function find() {
    var wanted = input.value.trim().toLowerCase();
    if (!wanted) {
      status.textContent = "";
      network.unselectAll();
      hidePanel();
      return;
    }
    var id = byName.get(wanted);
    if (id === undefined) {
      var partial = [];
      byName.forEach(function (nodeId, name) {
        if (name.indexOf(wanted) !== -1 && partial.indexOf(nodeId) === -1) {
          partial.push(nodeId);
        }
      });
      if (partial.length === 1) {
        id = partial[0];
      } else {
        // A failed search leaves nothing highlighted from the one before.
        network.unselectAll();
        hidePanel();
        status.textContent = partial.length ? partial.length + " actors match; pick one from the list."
                                            : "No actor by that name or alias in this view.";
        return;
      }
    }
    var node = nodes.get(id);
    status.textContent = node.label.toLowerCase() === wanted ? "" : "Found " + node.label + ".";
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showPanel(id);
  }
  input.addEventListener("change", find);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      find();
    }
  });

  // --- the actor panel ----------------------------------------------------------------------
  var panel = document.getElementById("panel");
  function item(parent, lines) {
    var li = document.createElement("li");
    lines.forEach(function (line) {
      if (!line[1]) {
        return;
      }
      var part = document.createElement(line[0]);
      if (line[2]) {
        part.className = line[2];
      }
      part.textContent = line[1];
      if (li.childNodes.length && line[0] !== "q") {
        li.appendChild(document.createElement("br"));
      }
      li.appendChild(part);
    });
    parent.appendChild(li);
  }
  function showPanel(id) {
    var info = panels.get(id);
    if (!info) {
      hidePanel();
      return;
    }
    document.getElementById("panel-name").textContent = info.label;
    document.getElementById("panel-meta").textContent = info.kind + " · " + info.type;
    document.getElementById("panel-aliases").textContent =
      info.aliases.length ? "Also called: " + info.aliases.join(", ") : "No other name in the sources.";
    var incidents = document.getElementById("panel-incidents");
    incidents.replaceChildren();
    if (!info.listed) {
      item(incidents, [["span", "Too many events in this store to list here; ask malikg query actor-timeline."]]);
    } else if (!info.incidents.length) {
      item(incidents, [["span", "None in the graph."]]);
    }
    info.incidents.forEach(function (incident) {
      item(incidents, [["strong", incident.label], ["span", incident.when + " · " + incident.role +
        " (" + incident.certainty + ")"], ["span", incident.toll], ["span", incident.documents.length ?
        "in " + incident.documents.join("; ") : "", "told"]]);
    });
    if (info.more) {
      item(incidents, [["span", "… and " + info.more + " earlier incidents."]]);
    }
    var ties = document.getElementById("panel-ties");
    ties.replaceChildren();
    if (!info.ties.length) {
      item(ties, [["span", "No tie in this view."]]);
    }
    info.ties.forEach(function (tie) {
      var told = (tie.claimant ? "according to " + tie.claimant : "") +
        (tie.certainty ? " (" + tie.certainty + ")" : "") +
        (tie.documents.length ? ", in " + tie.documents.join("; ") : "");
      item(ties, [["strong", tie.text], ["span", tie.when], ["span", told, "told"]]
        .concat(tie.quotes.map(function (quote) { return ["q", quote]; })));
    });
    panel.hidden = false;
  }
  function hidePanel() {
    panel.hidden = true;
  }
  document.getElementById("panel-close").addEventListener("click", function () {
    network.unselectAll();
    hidePanel();
  });
  network.on("click", function (params) {
    if (params.nodes.length) {
      showPanel(params.nodes[0]);
    } else if (!params.edges.length) {
      hidePanel();
    }
  });

  // --- filters: relation, time, region ------------------------------------------------------
  var families = new Map();
  var fieldset = document.getElementById("relation-filter");
  data.families.forEach(function (pair) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = pair[0];
    box.addEventListener("change", apply);
    families.set(pair[0], box);
    label.appendChild(box);
    label.appendChild(document.createTextNode(pair[1]));
    fieldset.appendChild(label);
  });

  var days = [];
  data.edges.forEach(function (edge) {
    edge.spans.forEach(function (span) {
      span.forEach(function (day) {
        if (day && days.indexOf(day) === -1) {
          days.push(day);
        }
      });
    });
  });
  days.sort();
  var from = document.getElementById("time-from");
  var to = document.getElementById("time-to");
  from.max = to.max = String(Math.max(days.length - 1, 0));
  to.value = to.max;
  from.disabled = to.disabled = days.length < 2;
  [from, to].forEach(function (slider) {
    slider.addEventListener("input", function () {
      if (Number(from.value) > Number(to.value)) {
        (slider === from ? to : from).value = slider.value;
      }
      apply();
    });
  });

  var region = document.getElementById("region-filter");
  data.regions.forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    region.appendChild(option);
  });
  region.disabled = data.regions.length === 0;
  region.addEventListener("change", apply);

  function overlaps(span, first, last) {
    // An open side ("since 2016") runs on; a tie with no date at all stays whatever the window.
    return (!span[0] || span[0] <= last) && (!span[1] || span[1] >= first);
  }
  function apply() {
    var first = days.length ? days[Number(from.value)] : "";
    var last = days.length ? days[Number(to.value)] : "";
    var place = region.value;
    var filtered = place !== "" || (days.length > 1 && (from.value !== "0" || to.value !== to.max));
    var involved = new Set();
    var shown = new Map();
    data.edges.forEach(function (edge) {
      var keep = families.get(edge.family) ? families.get(edge.family).checked : true;
      if (keep && days.length) {
        keep = edge.spans.some(function (span) { return overlaps(span, first, last); });
      }
      if (keep && place !== "" && edge.id.indexOf("relation:") !== 0) {
        keep = edge.regions.indexOf(place) !== -1;
        if (keep) {
          involved.add(edge.from);
          involved.add(edge.to);
        }
      }
      shown.set(edge.id, keep);
    });
    // As on the command line: in a region, relations stay between the actors involved there.
    if (place !== "") {
      data.edges.forEach(function (edge) {
        if (edge.id.indexOf("relation:") === 0 && shown.get(edge.id)) {
          shown.set(edge.id, involved.has(edge.from) && involved.has(edge.to));
        }
      });
    }
    families.forEach(function (box) {
      filtered = filtered || !box.checked;
    });
    var degree = new Map();
    var updates = [];
    var visible = 0;
    data.edges.forEach(function (edge) {
      var keep = shown.get(edge.id);
      if (keep) {
        visible += 1;
        degree.set(edge.from, (degree.get(edge.from) || 0) + 1);
        degree.set(edge.to, (degree.get(edge.to) || 0) + 1);
      }
      updates.push({ id: edge.id, hidden: !keep });
    });
    edges.update(updates);
    var actors = [];
    nodes.update(data.nodes.map(function (node) {
      var keep = !filtered || degree.has(node.id);
      if (keep) {
        actors.push(node.id);
      }
      return { id: node.id, hidden: !keep };
    }));
    var refit = filtering || filtered;
    filtering = filtered;
    if (refit && document.body.getAttribute("data-state") === "ready") {
      network.fit({ nodes: actors, animation: false });
    }
    document.getElementById("time-window").textContent = days.length ? first + " to " + last : "No dated ties.";
    document.getElementById("filter-status").textContent = filtered
      ? "Showing " + actors.length + " actors and " + visible + " of " + data.edges.length + " ties."
      : "Showing every actor and tie.";
  }
  apply();
})();
