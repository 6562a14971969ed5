// The Socket.IO peer of `java bench/HearthBench.java fanout-compare`: the same job as Hearth's room
// chat, written the way a Socket.IO 4 server usually is. A client proves itself on connect with the
// token the harness gives it (BENCH_TOKEN), joins rooms, and a chat line goes to everyone in the room
// with io.to(room).emit. Loopback only; no compression (as Hearth's room socket, docs/adr/0012).
const { createServer } = require("http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 0);
const token = process.env.BENCH_TOKEN;
if (!token) {
  console.error("BENCH_TOKEN is required");
  process.exit(2);
}

const http = createServer();
const io = new Server(http, {
  transports: ["websocket"],
  perMessageDeflate: false,
  maxHttpBufferSize: 72 * 1024,
  serveClient: false,
});

io.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.token !== token || typeof auth.person !== "string") {
    return next(new Error("unauthorized"));
  }
  socket.data.person = auth.person;
  next();
});

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    if (typeof room !== "string" || room.length > 64) {
      return typeof ack === "function" && ack({ error: "invalid-room" });
    }
    socket.join(room);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("chat", (m, ack) => {
    if (!m || typeof m.roomId !== "string" || typeof m.text !== "string" || m.text.length > 4000 || !socket.rooms.has(m.roomId)) {
      return typeof ack === "function" && ack({ error: "not-in-room" });
    }
    io.to(m.roomId).emit("chat", {
      type: "chat.message", roomId: m.roomId, from: { personId: socket.data.person },
      text: m.text.trim(), sentAt: new Date().toISOString(),
    });
    if (typeof ack === "function") ack({ ok: true });
  });
});

http.listen(port, "127.0.0.1", () => {
  console.log("socket.io peer ready at " + http.address().port);
});
process.on("SIGTERM", () => process.exit(0));
