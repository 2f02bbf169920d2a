// The thermometer node's firmware on MicroPython's WebAssembly port, run by Node.js.
//
// stdin/stdout are the node's USB serial line (raw protocol bytes); a socket is the control line
// carrying JSON lines: {"sensor", "attribute", "value"} changes a sensor model, {"pwm": pin}
// asks for an output's duty; each gets one JSON line back. argv[2] is a JSON object: files to
// put in the interpreter's file system ([[host path, device path], ...]), the control socket's
// file descriptor and the board set-up.
import fs from "node:fs";
import net from "node:net";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const LOOP_MS = 5;
const setup = JSON.parse(process.argv[2]);
const inbound = [];
let inboundAt = 0;

function fail(message) {
  process.stderr.write(`chot micropython node: ${message}\n`);
  process.exit(1);
}

const mp = await loadMicroPython({
  heapsize: 4 * 1024 * 1024,
  stdout: (text) => process.stderr.write(text),
  stderr: (text) => process.stderr.write(text),
});

for (const [hostPath, devicePath] of setup.files) {
  const parts = devicePath.split("/").filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const folder = "/" + parts.slice(0, i).join("/");
    if (!mp.FS.analyzePath(folder).exists) mp.FS.mkdir(folder);
  }
  mp.FS.writeFile(devicePath, hostPath === null ? "" : fs.readFileSync(hostPath));
}

mp.registerJsModule("chot_host", {
  waiting: () => (inbound.length > inboundAt ? 1 : 0),
  take: () => {
    if (inboundAt >= inbound.length) return -1;
    const byte = inbound[inboundAt++];
    if (inboundAt === inbound.length) { inbound.length = 0; inboundAt = 0; }
    return byte;
  },
  send: (hex) => process.stdout.write(Buffer.from(hex, "hex")),
});

let node;
try {
  mp.runPython(`import sys\nsys.path.insert(0, "${setup.root}")`);
  node = mp.pyimport("node_main");
  const version = node.start(setup.unique_id, setup.object_c, setup.ambient_c, setup.target_mm);
  process.stderr.write(`chot micropython node: booted on ${version}\n`);
} catch (error) {
  fail(`boot failed: ${error.message}`);
}

process.stdin.on("data", (chunk) => { for (const byte of chunk) inbound.push(byte); });
process.stdin.on("end", () => process.exit(0));

const control = new net.Socket({ fd: setup.control_fd, readable: true, writable: true });
let pending = "";
control.on("data", (chunk) => {
  pending += chunk.toString("utf8");
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const request = JSON.parse(pending.slice(0, newline));
    pending = pending.slice(newline + 1);
    let answer;
    try {
      if ("pwm" in request) answer = { duty: node.pwm_duty(request.pwm) };
      else answer = { ok: node.control(request.sensor, request.attribute, request.value) === null };
    } catch (error) {
      answer = { error: error.message };
    }
    control.write(JSON.stringify(answer) + "\n");
  }
});
control.on("end", () => process.exit(0));

setInterval(() => {
  try {
    node.step();
  } catch (error) {
    fail(`firmware stopped: ${error.type ?? ""} ${error.message}`);
  }
}, LOOP_MS);
