import { describe, expect, it } from "vitest";
import { declaredTypeAgrees, sniffContentType } from "./sniff";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

describe("sniffContentType", () => {
  it.each([
    ["PDF", bytes("%PDF-1.7\n%\xe2\xe3"), "x.bin", "application/pdf"],
    ["PNG", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), "scan", "image/png"],
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0]), "a.jpg", "image/jpeg"],
    ["GIF", bytes("GIF89a\x01\x00"), "a.gif", "image/gif"],
    ["WebP", bytes("RIFF\x10\x00\x00\x00WEBPVP8 "), "a.webp", "image/webp"],
    ["docx", bytes([0x50, 0x4b, 0x03, 0x04, 0x14]), "contract.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["CSV", bytes("invoice,amount\nINV-1,1200.50\n"), "lines.csv", "text/csv"],
    ["UTF-8 text", bytes([...Buffer.from("Grüße, Lieferschein 42\n", "utf8")]), "note.txt", "text/plain"],
  ])("%s from its bytes", (_name, data, filename, expected) => {
    expect(sniffContentType(data, filename)).toBe(expected);
  });

  it.each([
    ["HTML named .pdf", bytes("<!doctype html><script>alert(1)</script>"), "invoice.pdf"],
    ["HTML named .txt", bytes("  <html><body>hi"), "note.txt"],
    ["SVG named .png", bytes('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'), "logo.png"],
    ["an executable", bytes("MZ\x90\x00\x03"), "tool.exe"],
    ["a ZIP that is not an office document", bytes([0x50, 0x4b, 0x03, 0x04]), "archive.zip"],
    ["binary named .txt", bytes("abc\x00def"), "note.txt"],
    ["empty", bytes(""), "empty.txt"],
  ])("refuses %s", (_name, data, filename) => {
    expect(sniffContentType(data, filename)).toBeNull();
  });
});

describe("declaredTypeAgrees", () => {
  it("accepts no or a generic declaration and the same type", () => {
    expect(declaredTypeAgrees(undefined, "application/pdf")).toBe(true);
    expect(declaredTypeAgrees("application/octet-stream", "image/png")).toBe(true);
    expect(declaredTypeAgrees("application/pdf; name=x", "application/pdf")).toBe(true);
    expect(declaredTypeAgrees("application/vnd.ms-excel", "text/csv")).toBe(true);
  });
  it("refuses a file labelled as something it is not", () => {
    expect(declaredTypeAgrees("image/png", "application/pdf")).toBe(false);
    expect(declaredTypeAgrees("text/html", "text/plain")).toBe(false);
  });
});
