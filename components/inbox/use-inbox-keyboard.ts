"use client";

import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";

function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return !!el.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], dialog");
}

interface InboxKeys {
  /** The person's setting; undefined while it loads (single-letter keys stay off until then). */
  shortcutsEnabled: boolean | undefined;
  /** The inbox's <main>: single-letter keys act only while focus is inside it. */
  mainRef: RefObject<HTMLElement | null>;
  rowCount: number;
  active: TaskDto | null;
  /** The task a shortcut acts on, decided when the key is pressed. */
  targetTask: () => TaskDto | null;
  moveBy: (delta: number) => void;
  openTask: (task: TaskDto) => void;
  approve: (task: TaskDto) => void;
  reject: (task: TaskDto) => void;
  askInfo: (task: TaskDto) => void;
  claim: (task: TaskDto) => void;
  /** Opens the forward dialog for my own task (or says why it cannot be forwarded). */
  forward: (task: TaskDto) => void;
  toggle: (id: string, range: boolean) => void;
  canUndo: boolean;
  undo: () => void;
  openHelp: () => void;
  openMenu: () => void;
}

/**
 * The inbox's keyboard: Ctrl+K / ⌘K anywhere, single-letter shortcuts (j k Enter a r i c f x z ?)
 * on the document, and the listbox's arrows, Home and End (returned as `onListKey`).
 */
export function useInboxKeyboard(keys: InboxKeys) {
  // One document listener for the page's life; it reads the latest handlers through this ref.
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });

  useEffect(() => {
    const handler = (e: KeyboardEvent) => onKey(e, latest.current);
    document.addEventListener("keydown", handler);
    return () => document.removeEventListener("keydown", handler);
  }, []);

  // Arrow keys, Home and End inside the listbox (WAI-ARIA listbox pattern).
  const onListKey = (e: ReactKeyboardEvent) => {
    if (e.key === "ArrowDown") keys.moveBy(1);
    else if (e.key === "ArrowUp") keys.moveBy(-1);
    else if (e.key === "Home") keys.moveBy(-keys.rowCount);
    else if (e.key === "End") keys.moveBy(keys.rowCount);
    else return;
    e.preventDefault();
  };
  return { onListKey };
}

function onKey(e: KeyboardEvent, k: InboxKeys) {
  if (!e.defaultPrevented && (e.metaKey || e.ctrlKey) && !e.altKey && e.key.toLowerCase() === "k" && !document.querySelector("dialog[open]")) {
    e.preventDefault();
    k.openMenu();
    return;
  }
  if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
  if (isTyping(e.target) || document.querySelector("dialog[open]")) return;
  // WCAG 2.1.4: single-letter keys only while the inbox has focus (not the header, the
  // notifications, a toast), and not at all for people who switched them off (/settings) —
  // nor before their setting has loaded, so a stray key never acts for someone who opted out.
  const singleLetter = e.key.length === 1;
  if (singleLetter && k.shortcutsEnabled !== true) return;
  const focus = document.activeElement;
  if (singleLetter && focus && focus !== document.body && !k.mainRef.current?.contains(focus)) return;
  const t = k.targetTask();
  /** Runs `act` and claims the key, when there is something to act on. */
  const onTask = (act: (task: TaskDto) => void, task: TaskDto | null = t) => {
    if (!task) return;
    e.preventDefault();
    act(task);
  };
  switch (e.key) {
    case "j":
      e.preventDefault();
      k.moveBy(1);
      break;
    case "k":
      e.preventDefault();
      k.moveBy(-1);
      break;
    case "Enter": {
      const target = e.target as HTMLElement;
      if (target !== document.body && !target.matches("[role=option]")) return;
      onTask(k.openTask, k.active);
      break;
    }
    case "a":
      onTask(k.approve);
      break;
    case "r":
      onTask(k.reject);
      break;
    case "i":
      onTask(k.askInfo);
      break;
    case "c":
      onTask(k.claim);
      break;
    case "f":
      onTask(k.forward);
      break;
    case "x":
      onTask((task) => k.toggle(task.id, e.shiftKey), k.active);
      break;
    case "z":
      if (k.canUndo) {
        e.preventDefault();
        k.undo();
      }
      break;
    case "?":
      e.preventDefault();
      k.openHelp();
      break;
  }
}
