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
 * otherwise every prefix typed ("Com", "Comment joi"...) would count as a question. An answer opened
 * and a link of the card used are recorded too (POST /v1/events), for the editors' figures. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var LOG_IDLE_MS = 1500;
  var MIN_CHARS = 2;
  var TOP_K = 5;
  var SUGGEST_MS = 60;
  var SUGGESTIONS = 5;

  var input = document.getElementById("fsw-q");
  var list = document.getElementById("fsw-list");
  var status = document.getElementById("fsw-status");
  var detail = document.getElementById("fsw-detail");
  var channel = document.getElementById("fsw-channel");
  var shortBox = document.getElementById("fsw-short");
  var fix = document.getElementById("fsw-fix");
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
  var suggestions = [];
  var suggestTimer = null;
  var suggestPending = null;
  var suggestSequence = 0;
  var active = -1;
  var answeredQuestion = "";
  var cardPassage = null;  // the passage whose card is shown; null for the general card
  var shortAnswer = null;  // the short answer of the last answer, when its entry is among the results

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

  function link(href, label, external, target) {
    var item = document.createElement("li");
    if (!href) {
      sentence(item, label);
      return item;
    }
    var a = document.createElement("a");
    a.href = href;
    if (target) {
      // "mousedown" too would count a drag; a click (or Enter on the link) is the visitor using it.
      a.addEventListener("click", function () { logEvent({kind: "contact", target: target, passage_id: cardPassage}); });
    }
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

  function logEvent(event) {
    if (!answeredQuestion) { return; }
    var body = {kind: event.kind, question: answeredQuestion};
    if (event.passage_id) { body.passage_id = event.passage_id; }
    if (event.rank) { body.rank = event.rank; }
    if (event.target) { body.target = event.target; }
    if (plan) { body.plan = plan; }
    var session = sessionId();
    if (session) { body.session = session; }
    if (event.kind === "contact") { logQuestion(); }
    // keepalive: a contact link often leaves the page (tel:, mailto:, another site).
    fetch("/v1/events", {method: "POST", keepalive: true, headers: {"Content-Type": "application/json"},
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
    fillAnswer(detail.querySelector(".fsw-answer"), result);
    loadRelated(result.passage_id);
    detail.querySelector(".fsw-rate-done").textContent = "";
    detail.dataset.passage = result.passage_id;
    detail.hidden = false;
    closeList();
    logQuestion();
    logEvent({kind: "open", passage_id: result.passage_id, rank: index + 1});
  }

  function option(id, kind, text, detailText, choose) {
    var item = document.createElement("li");
    item.id = id;
    item.className = "fsw-option " + kind;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    var main = document.createElement("span");
    main.className = "fsw-option-question";
    main.dir = "auto";
    main.textContent = text;
    var sub = document.createElement("span");
    sub.className = "fsw-option-section";
    sub.dir = "auto";
    sub.textContent = detailText;
    item.append(main, sub);
    item.fswChoose = choose;
    // mousedown, not click: the field keeps the focus (and the screen reader its place).
    item.addEventListener("mousedown", function (event) {
      event.preventDefault();
      choose();
    });
    return item;
  }

  // The answers found first, then suggestions (questions of the guides completing what is typed).
  function renderOptions() {
    var current = active >= 0 && list.children[active] ? list.children[active].id : null;
    list.replaceChildren();
    results.forEach(function (result, i) {
      list.appendChild(option("fsw-option-" + i, "fsw-result", result.question, result.section || "",
                              function () { showDetail(i); }));
    });
    suggestions.forEach(function (suggestion, i) {
      list.appendChild(option("fsw-suggestion-" + i, "fsw-suggestion", suggestion.text,
                              "Suggestion" + (suggestion.section ? " · " + suggestion.section : ""),
                              function () { takeSuggestion(suggestion.text); }));
    });
    var shown = list.children.length > 0;
    list.hidden = !shown;
    input.setAttribute("aria-expanded", shown ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
    // Answers arriving while the visitor moves through the list keep their place in it.
    var kept = current ? document.getElementById(current) : null;
    if (kept) { setActive(Array.prototype.indexOf.call(list.children, kept)); }
  }

  function renderList(answer) {
    results = answer.confident ? answer.results : [];
    renderOptions();
  }

  function takeSuggestion(text) {
    input.value = text;
    suggestions = [];
    window.clearTimeout(timer);
    window.clearTimeout(suggestTimer);
    window.clearTimeout(logTimer);
    search(text);
    logTimer = window.setTimeout(logQuestion, LOG_IDLE_MS);
  }

  function suggest(text) {
    if (suggestPending) { suggestPending.abort(); }
    suggestPending = new AbortController();
    var mine = ++suggestSequence;
    var asked = new URLSearchParams({q: text, limit: String(SUGGESTIONS)});
    if (plan) { asked.set("plan", plan); }
    if (section) { asked.set("section", section); }
    fetch("/v1/suggest?" + asked.toString(),
          {signal: suggestPending.signal, headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
      .then(function (body) {
        if (mine !== suggestSequence || input.value.trim() !== text) { return; }
        var typed = text.toLowerCase();
        suggestions = (body.suggestions || []).filter(function (s) { return s.text.toLowerCase() !== typed; });
        renderOptions();
      })
      .catch(function () { /* suggestions are a help: without them the answers still come */ });
  }

  // ---------------------------------------------------------------- short answer
  function shortIndex() {
    if (!shortAnswer) { return -1; }
    for (var i = 0; i < results.length; i++) {
      var answer = results[i].answer;
      // Shown only when the entry holds these very words there: nothing else is an answer.
      if (results[i].passage_id === shortAnswer.passage_id &&
          answer.slice(shortAnswer.start, shortAnswer.end) === shortAnswer.text) { return i; }
    }
    return -1;
  }

  // The entry's answer, with the short answer marked where it stands (text nodes only).
  function fillAnswer(element, result) {
    var i = shortIndex();
    if (i < 0 || results[i] !== result) {
      element.textContent = result.answer;
      return;
    }
    var mark = document.createElement("mark");
    mark.textContent = shortAnswer.text;
    element.replaceChildren(result.answer.slice(0, shortAnswer.start), mark, result.answer.slice(shortAnswer.end));
  }

  function renderShort(answer) {
    shortAnswer = answer.confident ? answer.short_answer : null;
    var i = shortIndex();
    shortBox.hidden = i < 0;
    if (i < 0) { return; }
    shortBox.querySelector(".fsw-short-text").textContent = shortAnswer.text;
    var source = ["Extrait de la réponse à : ", isolated(results[i].question)];
    if (results[i].section) { source.push(" · ", isolated(results[i].section)); }
    sentence(shortBox.querySelector(".fsw-short-source"), source);
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
    if (contact.url) { contacts.appendChild(link(httpsUrl(contact.url), [isolated(contact.url)], true, "url:" + advice.id)); }
    if (contact.email) {
      contacts.appendChild(link(mailtoUrl(contact.email), [isolated(contact.email)], false, "mailto:" + advice.id));
    }
    (contact.phones || []).forEach(function (phone) {
      contacts.appendChild(link(telUrl(phone.number), [isolated(phone.country), " : ", isolated(phone.number)], false,
                                "tel:" + advice.id));
    });
    if (contact.console_path) {
      contacts.appendChild(link(null, ["Dans la console : ", isolated(contact.console_path)], false));
    }
    (advice.alternatives || []).forEach(function (alt) {
      var c = alt.contact || {};
      var href = c.url ? httpsUrl(c.url) : (c.email ? mailtoUrl(c.email) : null);
      contacts.appendChild(link(href, ["Inclus dans votre " + planNoun + " : ", isolated(alt.name)], !!c.url,
                                (c.url ? "url:" : "mailto:") + alt.id));
    });
    var info = advice.availability ? [isolated(advice.availability)] : [];
    if (advice.response_time) {
      info = info.concat(info.length ? [" · "] : [], ["Délai de réponse : ", isolated(advice.response_time)]);
    }
    sentence(channel.querySelector(".fsw-channel-info"), info);
    channel.hidden = false;
  }

  // « Questions liées » : the entries nearest to the one opened; a click asks its question.
  function loadRelated(passageId) {
    var box = detail.querySelector(".fsw-related");
    box.hidden = true;
    var asked = new URLSearchParams({passage_id: passageId});
    if (plan) { asked.set("plan", plan); }
    fetch("/v1/related?" + asked.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {related: []}; })
      .then(function (body) {
        if (detail.dataset.passage !== passageId) { return; }
        var items = (body.related || []).map(function (entry) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.dir = "auto";
          button.textContent = entry.question;
          button.addEventListener("click", function () { takeSuggestion(entry.question); input.focus(); });
          var section = document.createElement("span");
          section.className = "fsw-related-section";
          section.dir = "auto";
          section.textContent = entry.section || "";
          item.append(button, section);
          return item;
        });
        box.querySelector(".fsw-related-list").replaceChildren.apply(box.querySelector(".fsw-related-list"), items);
        box.hidden = items.length === 0;
      })
      .catch(function () { /* related questions are a help: the answer stands without them */ });
  }

  // « Vouliez-vous dire » : the corrected question, offered, never put in the field by itself.
  function renderFix(corrected) {
    fix.hidden = !corrected;
    fix.querySelector(".fsw-fix-button").textContent = corrected || "";
  }

  function render(answer) {
    answeredQuestion = answer.question;
    cardPassage = answer.confident && answer.results.length ? answer.results[0].passage_id : null;
    renderFix(answer.did_you_mean);
    detail.hidden = true;
    renderList(answer);
    renderShort(answer);
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
    suggestions = [];
    list.replaceChildren();
    closeList();
    detail.hidden = true;
    channel.hidden = true;
    shortBox.hidden = true;
    fix.hidden = true;
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
      suggestSequence++;
      window.clearTimeout(suggestTimer);
      if (pending) { pending.abort(); }
      clearAll("");
      return;
    }
    timer = window.setTimeout(function () { search(text); }, DEBOUNCE_MS);
    window.clearTimeout(suggestTimer);
    suggestTimer = window.setTimeout(function () { suggest(text); }, SUGGEST_MS);
    logTimer = window.setTimeout(logQuestion, LOG_IDLE_MS);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!list.children.length) { return; }
      event.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      setActive(event.key === "ArrowDown" ? active + 1 : (active < 0 ? -1 : active - 1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      var chosen = active >= 0 ? list.children[active] : list.querySelector(".fsw-result");
      if (chosen) {
        chosen.fswChoose();
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
  fix.querySelector(".fsw-fix-button").addEventListener("click", function (event) {
    takeSuggestion(event.currentTarget.textContent);
    input.focus();
  });
  shortBox.querySelector(".fsw-short-open").addEventListener("click", function () { showDetail(shortIndex()); });
  detail.querySelector(".fsw-rate-up").addEventListener("click", function () { rate("up"); });
  detail.querySelector(".fsw-rate-down").addEventListener("click", function () { rate("down"); });
})();
