// The youth picker: a search-as-you-type box over the form's <select> of cases (progressive enhancement:
// without JavaScript the select itself is used). It filters the select's own options — the cases the
// server already scoped to the worker — and asks the server nothing. ARIA combobox with a listbox popup
// (WAI-ARIA Authoring Practices, "list autocomplete"): the label stays on the box, the arrow keys move
// through the matches (aria-activedescendant), Enter picks one, Escape closes the list, and a live
// region says how many matched ("3 träffar"). The chosen case is written to the hidden select, which is
// what the form sends.

const normalise = (text) => text.toLocaleLowerCase("sv").normalize("NFC").trim();

export function enhanceYouthPicker(form) {
  const select = form.querySelector(`#${CSS.escape(form.dataset.youthPicker || "")}`);
  if (!select || select.dataset.enhanced) return;
  select.dataset.enhanced = "true";
  const id = select.id;
  const listId = `${id}-matches`;
  const choices = [...select.options]
    .filter((option) => option.value)
    .map((option, index) => ({ value: option.value, label: option.text, optionId: `${listId}-${index}` }));
  const say = (count) =>
    (count === 0 ? form.dataset.matchesNone : count === 1 ? form.dataset.matchesOne : form.dataset.matchesMany).replace(
      "{n}",
      String(count),
    );

  // The box takes the select's id, so that the label and the error summary's link point at it.
  const input = document.createElement("input");
  input.type = "text";
  input.className = "govuk-input";
  if (select.classList.contains("govuk-select--error")) input.classList.add("govuk-input--error");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");
  input.setAttribute("autocapitalize", "off");
  input.spellcheck = false;
  if (select.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
  const chosen = select.selectedOptions[0];
  input.value = chosen && chosen.value ? chosen.text : "";

  const list = document.createElement("ul");
  list.id = listId;
  list.className = "samsyn-picker__list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", select.labels[0] ? select.labels[0].textContent.trim() : "");
  list.hidden = true;

  // Says, for everyone, how many matched, or that an empty box is an anonymous contact.
  const empty = [...select.options].find((option) => !option.value);
  const emptyText = empty ? empty.text : "";
  const status = document.createElement("div");
  status.className = "govuk-hint samsyn-picker__status";
  status.setAttribute("role", "status");
  status.dataset.pickerStatus = "";

  select.id = `${id}-select`;
  select.hidden = true;
  select.setAttribute("aria-hidden", "true");
  select.tabIndex = -1;
  input.id = id;
  const wrapper = document.createElement("div");
  wrapper.className = "samsyn-picker";
  select.after(wrapper);
  wrapper.append(input, list, status);
  status.textContent = input.value ? "" : emptyText;

  let matches = [];
  let active = -1;

  const setActive = (index) => {
    active = index;
    [...list.children].forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", matches[active].optionId);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };

  // The matches of what is typed; every youth on offer when the arrow key opens an empty box.
  const open = (everyone = false) => {
    const words = normalise(input.value).split(/\s+/).filter(Boolean);
    if (!words.length && !everyone) {
      matches = [];
      close();
      status.textContent = emptyText;
      return;
    }
    matches = choices.filter((choice) => words.every((word) => normalise(choice.label).includes(word)));
    list.replaceChildren(
      ...matches.map((choice) => {
        const item = document.createElement("li");
        item.id = choice.optionId;
        item.className = "samsyn-picker__option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = choice.label;
        // mousedown, not click: picked before the box loses its focus.
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(choice);
        });
        return item;
      }),
    );
    list.hidden = matches.length === 0;
    input.setAttribute("aria-expanded", String(matches.length > 0));
    setActive(-1);
    status.textContent = say(matches.length);
  };

  const pick = (choice) => {
    select.value = choice.value;
    input.value = choice.label;
    close();
    status.textContent = "";
  };

  // What the box says is what the form sends: the case whose label it is, or none (an anonymous contact).
  const settle = () => {
    const text = normalise(input.value);
    const same = choices.find((choice) => normalise(choice.label) === text);
    select.value = same ? same.value : "";
  };

  input.addEventListener("input", () => {
    settle();
    open();
  });
  input.addEventListener("keydown", (event) => {
    const expanded = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!expanded) open(true);
      if (matches.length) setActive(Math.min(active + 1, matches.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (expanded && matches.length) setActive(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && expanded && active >= 0) {
      event.preventDefault(); // picks the youth; does not send the form
      pick(matches[active]);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => {
    close();
    settle();
  });
}

export function enhanceYouthPickers(scope) {
  scope.querySelectorAll("form[data-youth-picker]").forEach(enhanceYouthPicker);
}
