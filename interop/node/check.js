'use strict';
// MQTT.js checks, run by interop/run.sh:  node check.js <v5|v311> [ws]
// (port from BROKER_PORT; with "ws", MQTT over WebSocket to ws://127.0.0.1:BROKER_WS_PORT/mqtt)
// Prints nothing and exits 0 on success; prints one line with the reason and exits 1 on failure.
//
// Both versions: connect, publish a retained message, subscribe and get it with the retain flag,
// then live QoS 0/1/2 messages (retain flag clear), then clear the retained message.
// v5 also: user properties and content type pass through, publishing through a topic alias works.

const mqtt = require('mqtt');

const PORT = parseInt(process.env.BROKER_PORT || '1883', 10);
const WS_PORT = parseInt(process.env.BROKER_WS_PORT || '9001', 10);
const version = process.argv[2];
const transport = process.argv[3] || 'tcp';
const url = transport === 'ws' ? `ws://127.0.0.1:${WS_PORT}/mqtt` : `mqtt://127.0.0.1:${PORT}`;
const protocolVersion = { v5: 5, v311: 4 }[version];
if (!protocolVersion) {
  console.log(`usage: node check.js v5|v311 (got ${version})`);
  process.exit(2);
}

const WAIT_MS = 10000;
const rnd = Math.random().toString(16).slice(2, 12);
const prefix = `interop/mqttjs/${transport}/${version}/${rnd}`;

function fail(why) {
  console.log(why);
  process.exit(1);
}

// Global watchdog: never hang.
setTimeout(() => fail(`timed out after ${WAIT_MS * 2} ms`), WAIT_MS * 2).unref();

function connect(clientId) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId,
      protocolVersion,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: WAIT_MS,
      keepalive: 30,
    });
    c.once('connect', (connack) => resolve({ c, connack }));
    c.once('error', reject);
    c.once('close', () => reject(new Error(`${clientId}: connection closed before CONNACK`)));
  });
}

// A queue of received messages with a bounded wait.
function inbox(c) {
  const q = [];
  const waiters = [];
  c.on('message', (topic, payload, packet) => {
    const m = { topic, payload: payload.toString(), packet };
    if (waiters.length) waiters.shift()(m);
    else q.push(m);
  });
  return (what, ms = WAIT_MS) =>
    q.length
      ? Promise.resolve(q.shift())
      : new Promise((resolve, reject) => {
          const t = setTimeout(() => {
            const i = waiters.indexOf(w);
            if (i >= 0) waiters.splice(i, 1);
            reject(new Error(`no message (${what}) within ${ms} ms`));
          }, ms);
          const w = (m) => {
            clearTimeout(t);
            resolve(m);
          };
          waiters.push(w);
        });
}

function check(cond, why) {
  if (!cond) throw new Error(why);
}

async function main() {
  const { c: pub, connack: pubAck } = await connect(`mqttjs-pub-${rnd}`);
  check(!pubAck.sessionPresent, 'clean connect reported session present');
  const { c: sub } = await connect(`mqttjs-sub-${rnd}`);
  const next = inbox(sub);

  // Retained first, then subscribe: the new subscription gets it with the retain flag.
  await pub.publishAsync(`${prefix}/retained`, 'kept', { qos: 1, retain: true });
  const granted = await sub.subscribeAsync(`${prefix}/#`, { qos: 2 });
  check(granted.length === 1 && granted[0].qos === 2, `SUBACK ${JSON.stringify(granted)}`);
  let m = await next('retained message');
  check(m.topic === `${prefix}/retained` && m.payload === 'kept', `retained: got ${m.topic} ${m.payload}`);
  check(m.packet.retain === true, 'retained message delivered without the retain flag');

  // Live messages at each QoS, in order, retain flag clear.
  for (const qos of [0, 1, 2]) {
    const opts = { qos };
    if (protocolVersion === 5) {
      opts.properties = {
        userProperties: { origin: 'mqttjs', qos: String(qos) },
        contentType: 'text/plain',
      };
    }
    await pub.publishAsync(`${prefix}/live`, `live-${qos}`, opts);
    m = await next(`live QoS ${qos} message`);
    check(m.payload === `live-${qos}`, `live QoS ${qos}: got ${m.topic} ${m.payload}`);
    check(m.packet.qos === qos, `live message sent at QoS ${qos} arrived at QoS ${m.packet.qos}`);
    check(!m.packet.retain, `live QoS ${qos} message delivered with the retain flag`);
    if (protocolVersion === 5) {
      const p = m.packet.properties || {};
      const up = p.userProperties || {};
      check(up.origin === 'mqttjs' && up.qos === String(qos), `user properties lost: ${JSON.stringify(up)}`);
      check(p.contentType === 'text/plain', `content type lost: ${JSON.stringify(p.contentType)}`);
    }
  }

  if (protocolVersion === 5) {
    // Topic alias from client to broker: first PUBLISH sets alias 1, the second uses only the alias.
    const max = pubAck.properties && pubAck.properties.topicAliasMaximum;
    if (max && max >= 1) {
      await pub.publishAsync(`${prefix}/alias`, 'alias-set', { qos: 1, properties: { topicAlias: 1 } });
      await pub.publishAsync('', 'alias-used', { qos: 1, properties: { topicAlias: 1 } });
      m = await next('message published with a new topic alias');
      check(m.topic === `${prefix}/alias` && m.payload === 'alias-set', `alias set: got ${m.topic} ${m.payload}`);
      m = await next('message published through an existing topic alias');
      check(m.topic === `${prefix}/alias` && m.payload === 'alias-used', `alias used: got ${m.topic} ${m.payload}`);
    }
  }

  // Clear the retained message: a new subscriber gets nothing.
  await pub.publishAsync(`${prefix}/retained`, '', { qos: 1, retain: true });
  const { c: late } = await connect(`mqttjs-late-${rnd}`);
  const lateNext = inbox(late);
  await late.subscribeAsync(`${prefix}/retained`, { qos: 1 });
  let extra = null;
  try {
    extra = await lateNext('none expected', 1000);
  } catch (_) {
    /* silence is the expected outcome */
  }
  check(extra === null, `cleared retained message still delivered: ${extra && extra.payload}`);

  await Promise.all([pub.endAsync(), sub.endAsync(), late.endAsync()]);
}

main().then(
  () => process.exit(0),
  (e) => fail(e && e.message ? e.message : String(e)),
);
