// Draws the actor network from the JSON block above. Data text only ever reaches the page as
// text: vis-network draws labels on the canvas and sets string tooltips with innerText, and
// everything else here uses textContent or option.value.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var container = document.getElementById("network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;

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
    // Lay out once with the fixed seed, then stop moving: a still picture reads better than a
    // jiggling one, and dragging a node no longer drags the whole graph around.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      ready();
    });
  }

  var byName = {};
  var list = document.getElementById("actor-names");
  data.nodes.slice().sort(function (a, b) {
    return a.label.localeCompare(b.label);
  }).forEach(function (node) {
    byName[node.label.toLowerCase()] = node.id;
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
      return;
    }
    var id = byName[wanted];
    if (id === undefined) {
      var partial = data.nodes.filter(function (node) {
        return node.label.toLowerCase().indexOf(wanted) !== -1;
      });
      if (partial.length === 1) {
        id = partial[0].id;
      } else {
        status.textContent = partial.length ? partial.length + " actors match; pick one from the list."
                                            : "No actor by that name in this view.";
        return;
      }
    }
    status.textContent = "";
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }
  input.addEventListener("change", find);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      find();
    }
  });
})();
