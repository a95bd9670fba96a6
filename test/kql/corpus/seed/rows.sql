-- Rows for the seed's three hunts (tables are created from the bundled schemas), with near misses.
INSERT INTO DnsEvents (TimeGenerated, Computer, Name, IPAddresses, QueryType) VALUES
  ('2026-04-25 10:00:00', 'pc1', 'theponzu.com', '104.21.9.66', 'A'),
  ('2026-04-25 11:00:00', 'pc2', 'x.THEPONZU.com.', '104.21.9.66', 'A'),
  ('2026-04-25 12:00:00', 'pc3', 'nottheponzu.com', '203.0.113.7', 'A'),
  ('2026-04-25 13:00:00', 'pc4', 'theponzu.com.evil.net', '203.0.113.8', 'A'),
  ('2026-04-25 09:00:00', 'pc5', 'SC88884.COM', '172.67.159.51', 'AAAA'),
  ('2026-04-25 14:00:00', 'pc6', 'mail.airtellwireless.it.com', '172.67.208.215', 'A'),
  ('2026-04-25 15:00:00', 'pc7', 'airtellwireless.it', '203.0.113.9', 'A'),
  ('2026-04-25 16:00:00', 'pc8', 'theponzu.co', '203.0.113.10', 'A'),
  ('2026-04-25 08:00:00', 'pc9', 'theponzu_com.example', '203.0.113.11', 'A'),
  ('2026-04-25 17:00:00', 'pc10', NULL, NULL, 'A'),
  ('2026-03-01 10:00:00', 'pc11', 'theponzu.com', '104.21.9.66', 'A');
INSERT INTO CommonSecurityLog (TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity) VALUES
  ('2026-04-25 10:00:00', '10.0.0.5', '172.67.208.215', 443, 'Allow', 'Traffic'),
  ('2026-04-25 11:00:00', '104.21.9.66', '10.0.0.9', 51000, 'Allow', 'Traffic'),
  ('2026-04-25 12:00:00', '10.0.0.5', '172.67.208.2150', 443, 'Allow', 'Traffic'),
  ('2026-04-25 13:00:00', '10.0.0.6', '172.67.159.51', 80, 'Deny', NULL),
  ('2026-04-25 14:00:00', '10.0.0.7', '8.8.8.8', 53, 'Allow', 'Traffic'),
  ('2026-04-25 09:00:00', '10.0.0.8', ' 172.67.159.51', 443, 'Allow', 'Traffic');
INSERT INTO DeviceNetworkEvents (Timestamp, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName, ActionType) VALUES
  ('2026-04-26 08:00:00', 'dev1', '104.21.9.66', 443, 'nanocore.exe', 'ConnectionSuccess'),
  ('2026-04-26 09:00:00', 'dev2', '1.1.1.1', 443, 'chrome.exe', 'ConnectionSuccess'),
  ('2026-04-26 07:00:00', 'dev3', '172.67.208.215', 443, 'chrome.exe', 'ConnectionSuccess'),
  (NULL, 'dev4', '172.67.159.51', 8080, 'svchost.exe', 'ConnectionAttempt');
