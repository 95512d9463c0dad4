/* The search widget: answers appear while the visitor types.
 *
 * Everything that comes from the guide, the catalogue or the visitor is inserted with textContent,
 * never as HTML; links are built only for https:, mailto: and tel: (the page's CSP forbids inline
 * scripts as a second line of defence). Such text inside the widget's own sentences sits in a
 * <bdi>, and elements holding it alone have dir="auto": its direction (Arabic, Hebrew, a stray
 * right-to-left override) cannot reverse the widget's words. ARIA combobox pattern: the field owns a listbox, the
 * arrow keys move aria-activedescendant, Enter opens the answer, Escape closes the list.
 *
 * Searching records nothing: a question reaches the editors (POST /v1/questions) only once the
 * visitor settles on it, i.e. stops typing for LOG_IDLE_MS, presses Enter or opens an answer;
 * otherwise every prefix typed ("Com", "Comment joi"...) would count as a question. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var LOG_IDLE_MS = 1500;
  var MIN_CHARS = 2;
  var TOP_K = 5;

  var input = document.getElementById("fsw-q");
  var list = document.getElementById("fsw-list");
  var status = document.getElementById("fsw-status");
  var detail = document.getElementById("fsw-detail");
  var channel = document.getElementById("fsw-channel");
  var plan = new URLSearchParams(window.location.search).get("plan");
  // A plan id as plans.csv declares them; the service refuses one it does not declare.
  if (!/^[a-z0-9][a-z0-9_-]{0,15}$/.test(plan || "")) { plan = null; }
  // The section the host page narrows the search to (data-section of embed.js), as /v1/site names it.
  var section = (new URLSearchParams(window.location.search).get("section") || "").slice(0, 200) || null;
  // What the help center calls its plans (« forfait », « profil »…), as /v1/site says.
  var planNoun = "forfait";
  fetch("/v1/site", {headers: {Accept: "application/json"}})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (site) {
      if (site && typeof site.plan_noun === "string" && site.plan_noun) { planNoun = site.plan_noun.slice(0, 40); }
    })
    .catch(function () { /* the default word stays */ });

  var timer = null;
  var logTimer = null;
  var loggedQuestion = "";  // the last question recorded, so Enter after a pause does not count it twice
  var pending = null;   // AbortController of the request in flight
  var sequence = 0;     // answers to an older keystroke are ignored
  var results = [];
  var active = -1;
  var answeredQuestion = "";

  function sessionId() {
    var key = "faqsearch-session";
    try {
      var id = window.sessionStorage.getItem(key);
      if (!id) {
        id = Array.prototype.map.call(window.crypto.getRandomValues(new Uint8Array(16)),
          function (b) { return b.toString(16).padStart(2, "0"); }).join("");
        window.sessionStorage.setItem(key, id);
      }
      return id;
    } catch (e) {
      return null; // storage refused (private mode): each rating counts on its own
    }
  }

  // ---------------------------------------------------------------- safe links
  function httpsUrl(value) {
    try {
      var url = new URL(String(value));
      return url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function mailtoUrl(value) {
    var email = String(value).trim();
    return /^[^\s@<>()"',;:\\\/]+@[^\s@<>()"',;:\\\/]+\.[^\s@<>()"',;:\\\/]+$/.test(email) ? "mailto:" + email : null;
  }

  function telUrl(value) {
    var digits = String(value).replace(/[\s().\-\u00a0]/g, "");
    return /^\+?[0-9]{3,20}$/.test(digits) ? "tel:" + digits : null;
  }

  // ---------------------------------------------------------------- text from the guide
  function isolated(text) {
    var bdi = document.createElement("bdi");
    bdi.textContent = text;
    return bdi;
  }

  // A sentence of the widget: strings are its own words, nodes (isolated()) the guide's.
  function sentence(element, parts) {
    element.replaceChildren.apply(element, parts.filter(function (part) { return part !== ""; }));
  }

  function link(href, label, external) {
    var item = document.createElement("li");
    if (!href) {
      sentence(item, label);
      return item;
    }
    var a = document.createElement("a");
    a.href = href;
    sentence(a, label);
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    item.appendChild(a);
    return item;
  }

  // ---------------------------------------------------------------- questions for the editors
  function settled(text) {
    return text.toLowerCase().split(/\s+/).join(" ");
  }

  function logQuestion() {
    window.clearTimeout(logTimer);
    var text = input.value.trim();
    if (text.length < MIN_CHARS || settled(text) === loggedQuestion) { return; }
    loggedQuestion = settled(text);
    var body = {question: text};
    if (plan) { body.plan = plan; }
    var session = sessionId();
    if (session) { body.session = session; }
    // keepalive: the question is still recorded if the visitor follows a link right away.
    fetch("/v1/questions", {method: "POST", keepalive: true, headers: {"Content-Type": "application/json"},
                            body: JSON.stringify(body)})
      .catch(function () { /* statistics only: the visitor is not bothered with it */ });
  }

  // ---------------------------------------------------------------- rendering
  function closeList() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    active = (index + options.length) % options.length;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === active ? "true" : "false");
    }
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({block: "nearest"});
  }

  function showDetail(index) {
    var result = results[index];
    if (!result) { return; }
    detail.querySelector(".fsw-detail-title").textContent = result.question;
    detail.querySelector(".fsw-detail-section").textContent = result.section || "";
    detail.querySelector(".fsw-answer").textContent = result.answer;
    detail.querySelector(".fsw-rate-done").textContent = "";
    detail.dataset.passage = result.passage_id;
    detail.hidden = false;
    closeList();
    logQuestion();
  }

  function renderList(answer) {
    list.replaceChildren();
    results = answer.confident ? answer.results : [];
    results.forEach(function (result, i) {
      var option = document.createElement("li");
      option.id = "fsw-option-" + i;
      option.className = "fsw-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var question = document.createElement("span");
      question.className = "fsw-option-question";
      question.dir = "auto";
      question.textContent = result.question;
      var section = document.createElement("span");
      section.className = "fsw-option-section";
      section.dir = "auto";
      section.textContent = result.section || "";
      option.append(question, section);
      // mousedown, not click: the field keeps the focus (and the screen reader its place).
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        showDetail(i);
      });
      list.appendChild(option);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function renderChannel(advice) {
    if (!advice) {
      channel.hidden = true;
      return;
    }
    sentence(channel.querySelector(".fsw-channel-name"),
             [isolated(advice.name), advice.available ? "" : " (non inclus dans votre " + planNoun + ")"]);
    channel.querySelector(".fsw-channel-reason").textContent = advice.reason || "";
    var contacts = channel.querySelector(".fsw-contacts");
    contacts.replaceChildren();
    var contact = advice.contact || {};
    if (contact.url) { contacts.appendChild(link(httpsUrl(contact.url), [isolated(contact.url)], true)); }
    if (contact.email) { contacts.appendChild(link(mailtoUrl(contact.email), [isolated(contact.email)], false)); }
    (contact.phones || []).forEach(function (phone) {
      contacts.appendChild(link(telUrl(phone.number), [isolated(phone.country), " : ", isolated(phone.number)], false));
    });
    if (contact.console_path) {
      contacts.appendChild(link(null, ["Dans la console : ", isolated(contact.console_path)], false));
    }
    (advice.alternatives || []).forEach(function (alt) {
      var c = alt.contact || {};
      var href = c.url ? httpsUrl(c.url) : (c.email ? mailtoUrl(c.email) : null);
      contacts.appendChild(link(href, ["Inclus dans votre " + planNoun + " : ", isolated(alt.name)], !!c.url));
    });
    var info = advice.availability ? [isolated(advice.availability)] : [];
    if (advice.response_time) {
      info = info.concat(info.length ? [" · "] : [], ["Délai de réponse : ", isolated(advice.response_time)]);
    }
    sentence(channel.querySelector(".fsw-channel-info"), info);
    channel.hidden = false;
  }

  function render(answer) {
    answeredQuestion = answer.question;
    detail.hidden = true;
    renderList(answer);
    renderChannel(answer.channel);
    var said;
    if (answer.confident) {
      said = results.length + (results.length > 1 ? " réponses" : " réponse") + " du guide.";
    } else if (answer.notice && !answer.results.length) {
      said = answer.notice;
    } else {
      said = "Le guide ne semble pas couvrir cette question ; reformulez-la" +
        (answer.channel ? " ou contactez le canal proposé." : ".");
    }
    // A question cut to what the engine reads: the visitor learns which part was answered.
    if (answer.notice && answer.results.length) { said = answer.notice + " " + said; }
    var parts = [said];
    if (answer.channel) { parts.push(" Canal recommandé : ", isolated(answer.channel.name), "."); }
    sentence(status, parts);
  }

  function clearAll(message) {
    results = [];
    list.replaceChildren();
    closeList();
    detail.hidden = true;
    channel.hidden = true;
    status.textContent = message || "";
  }

  // ---------------------------------------------------------------- requests
  function search(text) {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var mine = ++sequence;
    var params = new URLSearchParams({q: text, top_k: String(TOP_K)});
    if (plan) { params.set("plan", plan); }
    if (section) { params.set("section", section); }
    status.textContent = "Recherche…";
    fetch("/v1/search?" + params.toString(), {signal: pending.signal, headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (reply) {
        if (mine !== sequence) { return; }
        if (!reply.ok) {
          clearAll(typeof reply.body.detail === "string" ? reply.body.detail : "La recherche a échoué.");
          return;
        }
        render(reply.body);
      })
      .catch(function (error) {
        if (error.name === "AbortError" || mine !== sequence) { return; }
        clearAll("La recherche est indisponible pour le moment. Réessayez dans un instant.");
      });
  }

  function rate(value) {
    var done = detail.querySelector(".fsw-rate-done");
    var body = {question: answeredQuestion, passage_id: detail.dataset.passage, rating: value};
    if (plan) { body.plan = plan; }
    var session = sessionId();
    if (session) { body.session = session; }
    fetch("/v1/feedback", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (response) {
        done.textContent = response.ok ? "Merci pour votre avis !" : "Votre avis n'a pas pu être enregistré.";
      })
      .catch(function () { done.textContent = "Votre avis n'a pas pu être enregistré."; });
  }

  // ---------------------------------------------------------------- events
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    window.clearTimeout(logTimer);
    var text = input.value.trim();
    if (text.length < MIN_CHARS) {
      sequence++;
      if (pending) { pending.abort(); }
      clearAll("");
      return;
    }
    timer = window.setTimeout(function () { search(text); }, DEBOUNCE_MS);
    logTimer = window.setTimeout(logQuestion, LOG_IDLE_MS);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!results.length) { return; }
      event.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      setActive(event.key === "ArrowDown" ? active + 1 : (active < 0 ? -1 : active - 1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (results.length) {
        showDetail(active >= 0 ? active : 0);
      } else {
        logQuestion();  // no answer to open: an unanswered question is what editors most need
      }
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        closeList();
      } else {
        window.clearTimeout(logTimer);  // abandoned, not settled on
        input.value = "";
        sequence++;
        clearAll("");
      }
    }
  });

  input.addEventListener("blur", function () { closeList(); });
  detail.querySelector(".fsw-rate-up").addEventListener("click", function () { rate("up"); });
  detail.querySelector(".fsw-rate-down").addEventListener("click", function () { rate("down"); });
})();
