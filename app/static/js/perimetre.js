// The role form of the administration (templates/admin/_scope_fields.html), improved when
// scripts run: only the scope fields of the chosen role show, and the commune, EPCI and
// dossier fields offer choices as the admin types, with a warning for a commune or an EPCI
// that has no PVD dossier. Without this script the form shows every field and still works.
(function () {
  "use strict";

  var fieldset = document.querySelector("[data-scope-fields]");
  if (!fieldset) {
    return;
  }
  var role = document.getElementById(fieldset.getAttribute("data-role-field"));
  var national = document.getElementById("perimetre-national");
  var elements = fieldset.querySelectorAll("[data-roles]");

  fieldset.querySelectorAll("[data-without-script]").forEach(function (hint) {
    hint.hidden = true;
  });

  function showFieldsOfRole() {
    var chosen = role.value;
    var shown = 0;
    elements.forEach(function (element) {
      var used = chosen !== "" && element.getAttribute("data-roles").split(" ").indexOf(chosen) >= 0;
      element.hidden = !used;
      shown += used ? 1 : 0;
    });
    fieldset.hidden = shown === 0;
    national.hidden = !(chosen !== "" && shown === 0);
  }

  role.addEventListener("change", showFieldsOfRole);
  showFieldsOfRole();

  function warn(input, option) {
    var group = document.getElementById(input.id + "-messages");
    if (!group) {
      return;
    }
    var message = group.querySelector("[data-pvd-warning]");
    if (option && option.pvd === false) {
      if (!message) {
        message = document.createElement("p");
        message.className = "fr-message fr-message--warning";
        message.setAttribute("data-pvd-warning", "");
        group.appendChild(message);
      }
      message.textContent = option.value + " n\u2019a pas de dossier Petites villes de demain\u00a0: "
        + "ce rôle ne donnera accès à aucun dossier.";
    } else if (message) {
      message.remove();
    }
  }

  fieldset.querySelectorAll("input[list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var source = list && list.getAttribute("data-source");
    if (!source) {
      return;
    }
    var known = {};
    var asked = "";
    var timer = null;

    function fill(options) {
      list.replaceChildren.apply(list, options.map(function (option) {
        known[option.value] = option;
        return new Option(option.label, option.value);
      }));
      warn(input, known[input.value]);
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2 || q === asked) {
        return;
      }
      asked = q;
      fetch(source + "?q=" + encodeURIComponent(q), {
        headers: {"Accept": "application/json"},
        credentials: "same-origin",
      }).then(function (response) {
        return response.ok ? response.json() : {options: []};
      }).then(function (data) {
        if (asked === q) {
          fill(data.options);
        }
      }).catch(function () {
        // The field still takes a code or a name: the server checks it.
      });
    }

    input.addEventListener("input", function () {
      warn(input, known[input.value]);
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    });
  });
})();
