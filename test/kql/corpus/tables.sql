-- Tiny tables the corpus cases query, stored the way the engine stores Sentinel columns
-- (string → VARCHAR, int → INTEGER, long → BIGINT, real → DOUBLE, datetime → TIMESTAMP UTC, dynamic → JSON).
CREATE TABLE Events (
  TimeGenerated TIMESTAMP, Computer VARCHAR, Account VARCHAR, Process VARCHAR, CommandLine VARCHAR,
  EventId INTEGER, Bytes BIGINT, Score DOUBLE, Extra JSON, Ip VARCHAR, Port INTEGER
);
INSERT INTO Events VALUES
  ('2026-04-30 10:00:00', 'WS1', 'alice', 'powershell.exe', 'powershell -Command Get-Process', 4688, 100, 1.5, '{"user":{"name":"alice"},"tags":["a","b"]}', '10.0.0.5', 443),
  ('2026-04-30 11:00:00', 'WS2', 'Bob', 'cmd.exe', 'cmd /c whoami', 4688, 250, 2.5, '{"user":{"name":"bob"},"tags":[]}', '172.16.5.4', 80),
  ('2026-04-29 09:30:00', 'SRV1', 'alice', 'certutil.exe', 'certutil -addstore root x.cer', 4624, NULL, NULL, NULL, '8.8.8.8', 53),
  ('2026-04-20 08:00:00', 'WS1', 'carol', 'ntbackup.exe', 'C:\Windows\System32\ntbackup.exe /backup', 4625, 50, 0.5, '{"tags":["c"]}', '192.168.1.10', NULL),
  ('2026-04-30 23:59:00', 'ws3', NULL, 'explorer.exe', 'explorer.exe', 1, 0, -1.0, '{"user":{"name":"dave"}}', 'not-an-ip', 8080);
CREATE TABLE Hosts (Computer VARCHAR, Owner VARCHAR, Site VARCHAR);
INSERT INTO Hosts VALUES ('WS1', 'alice', 'HQ'), ('WS2', 'bob', 'HQ'), ('SRV1', '', 'DC'), ('WS9', 'zed', 'Remote');
-- The local table behind the ASIM DNS parser _Im_Dns (only the columns the cases use).
CREATE TABLE ASimDnsActivityLogs (TimeGenerated TIMESTAMP, DnsQuery VARCHAR, SrcIpAddr VARCHAR);
INSERT INTO ASimDnsActivityLogs VALUES
  ('2026-04-30 10:00:00', 'theponzu.com', '10.0.0.5'),
  ('2026-04-01 10:00:00', 'theponzu.com', '10.0.0.6'),
  ('2026-04-30 11:00:00', 'example.com', '10.0.0.7');
