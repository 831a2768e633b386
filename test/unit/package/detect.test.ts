import { describe, expect, it } from "vitest";
import { classifyHead, isExecutable } from "../../../src/lib/package/detect.js";

/** How a file's first bytes decide its mode in the zip and verify's findings. */
function elfHeader(machine: number): Buffer {
  const head = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]).copy(head); // 64-bit, little endian
  head.writeUInt16LE(machine, 18);
  return head;
}

describe("classifyHead", () => {
  it("recognises ELF binaries and their architecture", () => {
    expect(classifyHead(elfHeader(0x3e))).toMatchObject({ elf: true, elfMachine: "x86_64" });
    expect(classifyHead(elfHeader(0xb7))).toMatchObject({ elf: true, elfMachine: "arm64" });
  });

  it("recognises shebang scripts and CRLF shebang lines", () => {
    expect(classifyHead(Buffer.from("#!/usr/bin/env ruby\nputs 1\n"))).toEqual({ elf: false, shebang: true, shebangCrlf: false });
    expect(classifyHead(Buffer.from("#!/bin/sh\r\necho 1\r\n"))).toEqual({ elf: false, shebang: true, shebangCrlf: true });
  });

  it("treats everything else as data", () => {
    expect(classifyHead(Buffer.from("<?php echo 1;"))).toEqual({ elf: false, shebang: false, shebangCrlf: false });
    expect(classifyHead(Buffer.alloc(0))).toEqual({ elf: false, shebang: false, shebangCrlf: false });
  });
});

describe("isExecutable", () => {
  const data = { elf: false, shebang: false, shebangCrlf: false };
  it("is true for ELF, shebang, or any exec bit on disk", () => {
    expect(isExecutable({ ...data, elf: true }, 0o644)).toBe(true);
    expect(isExecutable({ ...data, shebang: true }, 0o600)).toBe(true);
    expect(isExecutable(data, 0o744)).toBe(true);
    expect(isExecutable(data, 0o644)).toBe(false);
  });
});
