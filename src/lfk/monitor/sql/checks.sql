-- lfk monitor: the case checks, once, as SQL that DuckDB and Spark SQL both run (see docs/monitor.md).
-- Portable subset: CREATE OR REPLACE TEMPORARY VIEW, CASE, COALESCE, GREATEST, LEAST, CEIL, CAST, MIN_BY, window
-- functions (LAG, MAX, ROW_NUMBER OVER), LEFT JOIN, GROUP BY, UNION ALL. No '::', no QUALIFY, no
-- dialect functions. Booleans are 0/1 integers. Statements are separated by ';' at the end of a line.
--
-- Input relations (loaded by lfk.monitor.sql.engine):
--   ev(eid, ck, pk, pos, si, st_ord, ft_ord, ft_sec, ft_key, post, person, amt, tier, violation)
--      one row per valid event; ck = case (in processing order), pos = its place in the case (sorted by time)
--   cases(ck, pk, op)                       op = 1: open case, judged at params.as_of
--   powers(pk, has_bench, c_days, c_nat, cp_days, cp_nat)     the power's case limit / promised limit
--   steps(pk, si, actor, duty, is_end, l_days, l_nat, p_days, p_nat)
--   edges(pk, src, dst)                     allowed transitions (loops included), distinct
--   cal(o, work, cum, nxt)                  per date ordinal: working day?, working days before it, next working day
--   tiers(pk, ti, violation, level, f_has, f_times, f_lo, f_hi, s_has, s_times, s_lo, s_hi)
--      bounds in 元 with the engine's tolerance applied (NULL: open side)
--   params(yellow_at, red_at, as_of_ord, as_of_sec, as_of_key)
-- The first view, e, is the events with their step's attributes: lfk's DuckDB scan builds it itself.
-- Output: the view dev(ck, eid, ph, pos, sub, code, used, days, nat, x1, x2)

-- e: each event with its step's attributes (st_*), the previous step of its case (and whether that was an
-- end step) and the case's last position. lfk's DuckDB scan (lfk.monitor.sql.scan) makes the same relation
-- from the window that numbers the events (joined with steps afterwards), and skips this statement.
CREATE OR REPLACE TEMPORARY VIEW e AS
SELECT ev.*, s.actor AS st_actor, s.duty AS st_duty, s.is_end AS st_end, s.l_days AS st_l_days,
       s.l_nat AS st_l_nat, s.p_days AS st_p_days, s.p_nat AS st_p_nat,
       LAG(ev.si) OVER (PARTITION BY ev.ck ORDER BY ev.pos) AS prev_si,
       LAG(s.is_end) OVER (PARTITION BY ev.ck ORDER BY ev.pos) AS prev_end,
       MAX(ev.pos) OVER (PARTITION BY ev.ck) AS last_pos
FROM ev JOIN steps s ON s.pk = ev.pk AND s.si = ev.si;

-- order against the flow graph: the first step, allowed transitions (loops are edges), nothing after an end
CREATE OR REPLACE TEMPORARY VIEW d_order AS
SELECT e.ck, e.eid, 0 AS ph, e.pos, 0 AS sub,
       CASE WHEN e.prev_si IS NULL THEN 'MON101' WHEN e.prev_end = 1 THEN 'MON103' ELSE 'MON102' END AS code,
       CAST(NULL AS DOUBLE) AS used, CAST(NULL AS DOUBLE) AS days, CAST(NULL AS INT) AS nat,
       e.prev_si AS x1, CAST(NULL AS INT) AS x2
FROM e
LEFT JOIN edges g ON g.pk = e.pk AND g.src = e.prev_si AND g.dst = e.si
WHERE (e.prev_si IS NULL AND e.si <> 0) OR (e.prev_si IS NOT NULL AND g.dst IS NULL);

-- actor posts
CREATE OR REPLACE TEMPORARY VIEW d_actor AS
SELECT e.ck, e.eid, 0 AS ph, e.pos, 1 AS sub, 'MON201' AS code,
       CAST(NULL AS DOUBLE) AS used, CAST(NULL AS DOUBLE) AS days, CAST(NULL AS INT) AS nat,
       CAST(NULL AS INT) AS x1, CAST(NULL AS INT) AS x2
FROM e
WHERE e.post IS NOT NULL AND e.st_actor IS NOT NULL AND e.post <> e.st_actor;

-- spans to judge against a limit: each step, each closed case, and for open cases the pending step and the case
CREATE OR REPLACE TEMPORARY VIEW c_first_last AS
SELECT e.ck, MAX(CASE WHEN e.pos = 0 THEN e.st_ord END) AS st_ord,
       MAX(CASE WHEN e.pos = e.last_pos THEN e.eid END) AS last_eid,
       MAX(CASE WHEN e.pos = e.last_pos THEN e.pos END) AS last_pos,
       MAX(CASE WHEN e.pos = e.last_pos THEN e.si END) AS last_si,
       MAX(CASE WHEN e.pos = e.last_pos THEN e.ft_ord END) AS ft_ord,
       MAX(CASE WHEN e.pos = e.last_pos THEN e.ft_sec END) AS ft_sec,
       MAX(CASE WHEN e.pos = e.last_pos THEN e.ft_key END) AS ft_key,
       MAX(e.st_end) AS reached_end
FROM e
GROUP BY e.ck;

CREATE OR REPLACE TEMPORARY VIEW c_pending AS   -- open case: the longest limit among the possible next steps
SELECT x.ck, x.dst, x.l_days, x.l_nat FROM (
  SELECT c.ck, g.dst, s.l_days, s.l_nat,
         ROW_NUMBER() OVER (PARTITION BY c.ck ORDER BY s.l_days DESC, g.dst) AS rn,
         COUNT(*) OVER (PARTITION BY c.ck) AS n_next,
         COUNT(s.l_days) OVER (PARTITION BY c.ck) AS n_lim
  FROM c_first_last c JOIN cases k ON k.ck = c.ck
  JOIN edges g ON g.pk = k.pk AND g.src = c.last_si
  JOIN steps s ON s.pk = k.pk AND s.si = g.dst
  WHERE k.op = 1) x
WHERE x.rn = 1 AND x.n_next = x.n_lim;

-- a step's span is judged only when the natural days it covers pass the days below which neither limit can
-- be reached (the Python engine's screen, lfk.monitor.engine Monitor._threshold)
CREATE OR REPLACE TEMPORARY VIEW spans AS
SELECT e.ck, e.eid, 0 AS ph, e.pos, 2 AS sub, e.st_ord, e.ft_ord, e.ft_sec,
       e.st_l_days AS l_days, e.st_l_nat AS l_nat, e.st_p_days AS p_days, e.st_p_nat AS p_nat, CAST(NULL AS INT) AS x1
FROM e CROSS JOIN params q
WHERE (e.st_l_days IS NULL AND e.st_p_days IS NOT NULL)
   OR (e.st_l_days IS NOT NULL AND e.ft_ord - e.st_ord > GREATEST(0.0, CASE
         WHEN e.st_p_days IS NULL THEN LEAST(e.st_l_days * q.yellow_at, e.st_l_days * q.red_at)
         WHEN e.st_p_nat = e.st_l_nat THEN LEAST(LEAST(e.st_l_days * q.yellow_at, e.st_l_days * q.red_at), e.st_p_days)
         ELSE 0.0 END - 0.000000001))
UNION ALL
SELECT c.ck, c.last_eid, 2, c.last_pos, 1, c.st_ord, c.ft_ord, c.ft_sec, p.c_days, p.c_nat, p.cp_days, p.cp_nat, NULL
FROM c_first_last c JOIN cases k ON k.ck = c.ck JOIN powers p ON p.pk = k.pk
WHERE k.op = 0 AND (p.c_days IS NOT NULL OR p.cp_days IS NOT NULL)
UNION ALL
SELECT c.ck, c.last_eid, 3, c.last_pos, 0, c.ft_ord, q.as_of_ord, q.as_of_sec, n.l_days, n.l_nat, NULL, NULL, n.dst
FROM c_first_last c JOIN c_pending n ON n.ck = c.ck CROSS JOIN params q
WHERE q.as_of_key >= c.ft_key
UNION ALL
SELECT c.ck, c.last_eid, 3, c.last_pos, 1, c.st_ord, q.as_of_ord, q.as_of_sec, p.c_days, p.c_nat, NULL, NULL, NULL
FROM c_first_last c JOIN cases k ON k.ck = c.ck JOIN powers p ON p.pk = k.pk CROSS JOIN params q
WHERE k.op = 1 AND p.c_days IS NOT NULL AND q.as_of_key >= c.ft_key;

-- working-day arithmetic as joins: the start day is not counted (so = start + 1); a working finish day counts by the hour
CREATE OR REPLACE TEMPORARY VIEW span_used AS
SELECT sp.*, CAST(sp.ft_sec AS DOUBLE) / 86400.0 AS frac, cf.work AS f_work,
       CASE WHEN sp.l_nat = 1 THEN GREATEST((sp.ft_ord - (sp.st_ord + 1)) + CAST(sp.ft_sec AS DOUBLE) / 86400.0, 0.0)
            ELSE GREATEST((cf.cum - cs.cum) + CASE WHEN cf.work = 1 THEN CAST(sp.ft_sec AS DOUBLE) / 86400.0 ELSE 0.0 END, 0.0)
       END AS used_l,
       CASE WHEN sp.p_nat = 1 THEN GREATEST((sp.ft_ord - (sp.st_ord + 1)) + CAST(sp.ft_sec AS DOUBLE) / 86400.0, 0.0)
            ELSE GREATEST((cf.cum + CASE WHEN cf.work = 1 THEN CAST(sp.ft_sec AS DOUBLE) / 86400.0 ELSE 0.0 END) - cs.cum, 0.0)
       END AS used_p,
       CASE WHEN sp.l_nat = 1 AND sp.l_days > 0 AND cl.work = 0 THEN sp.l_days + (cl.nxt - cl.o) ELSE sp.l_days END AS eff_l,
       CASE WHEN sp.p_nat = 1 AND sp.p_days > 0 AND cp.work = 0 THEN sp.p_days + (cp.nxt - cp.o) ELSE sp.p_days END AS eff_p
FROM spans sp
JOIN cal cf ON cf.o = sp.ft_ord
JOIN cal cs ON cs.o = sp.st_ord + 1
LEFT JOIN cal cl ON cl.o = sp.st_ord + CAST(CEIL(sp.l_days) AS INT)
LEFT JOIN cal cp ON cp.o = sp.st_ord + CAST(CEIL(sp.p_days) AS INT);

CREATE OR REPLACE TEMPORARY VIEW span_check AS
SELECT t.*, CASE
    WHEN t.l_days IS NOT NULL AND (t.used_l > t.eff_l * q.red_at
         OR (t.used_l >= t.eff_l * q.red_at AND t.eff_l * q.red_at > 0 AND t.f_work = 0)) THEN 'MON301'
    WHEN t.l_days IS NOT NULL AND t.l_days > 0 AND t.used_l >= q.yellow_at * t.l_days THEN 'MON302'
    WHEN t.p_days IS NOT NULL AND (t.used_p > t.eff_p OR (t.used_p >= t.eff_p AND t.eff_p > 0 AND t.f_work = 0)) THEN 'MON303'
  END AS tcode
FROM span_used t CROSS JOIN params q;

CREATE OR REPLACE TEMPORARY VIEW d_time AS
SELECT ck, eid, ph, pos, sub,
       CASE WHEN ph = 0 THEN tcode WHEN ph = 2 THEN (CASE WHEN tcode = 'MON301' THEN 'MON304' ELSE 'MON305' END)
            ELSE (CASE WHEN tcode = 'MON301' THEN 'MON306R' ELSE 'MON306Y' END) END AS code,
       CASE WHEN tcode = 'MON303' THEN used_p ELSE used_l END AS used,
       CASE WHEN tcode = 'MON303' THEN p_days ELSE l_days END AS days,
       CASE WHEN tcode = 'MON303' THEN p_nat ELSE l_nat END AS nat,
       x1, CASE WHEN tcode = 'MON301' THEN 1 WHEN tcode = 'MON302' THEN 2 ELSE 3 END AS x2
FROM span_check WHERE tcode IS NOT NULL;

-- a closed case that stopped at a step that is not an end (only with --closed: others stay open)
CREATE OR REPLACE TEMPORARY VIEW d_end AS
SELECT c.ck, c.last_eid AS eid, 2 AS ph, c.last_pos AS pos, 0 AS sub, 'MON104' AS code,
       CAST(NULL AS DOUBLE) AS used, CAST(NULL AS DOUBLE) AS days, CAST(NULL AS INT) AS nat,
       CAST(NULL AS INT) AS x1, CAST(NULL AS INT) AS x2
FROM c_first_last c JOIN cases k ON k.ck = c.ck
WHERE k.op = 0 AND c.reached_end = 0;

-- separation of duties: one person did 审查 and 决定, or 决定 and 监督, in one case (first event of each duty);
-- one group per (case, person) who did a 决定, and one pass over it for both pairs
CREATE OR REPLACE TEMPORARY VIEW sod_person AS
SELECT e.ck, e.person, MIN(e.pos) AS p_first,
       MIN(CASE WHEN e.st_duty = '审查' THEN e.pos END) AS p_rev, MIN_BY(e.eid, CASE WHEN e.st_duty = '审查' THEN e.pos END) AS e_rev,
       MIN(CASE WHEN e.st_duty = '决定' THEN e.pos END) AS p_dec, MIN_BY(e.eid, CASE WHEN e.st_duty = '决定' THEN e.pos END) AS e_dec,
       MIN(CASE WHEN e.st_duty = '监督' THEN e.pos END) AS p_sup, MIN_BY(e.eid, CASE WHEN e.st_duty = '监督' THEN e.pos END) AS e_sup
FROM e
WHERE e.person IS NOT NULL AND e.st_duty IN ('审查', '决定', '监督')
GROUP BY e.ck, e.person;

-- the finding sits on the later event of the pair (x2 = 0: 审查/决定, 1: 决定/监督); x1 is the 决定 event (its post is the finding's)
CREATE OR REPLACE TEMPORARY VIEW d_sod AS
SELECT p.ck, CASE WHEN k.x2 = 0 THEN (CASE WHEN p.p_rev > p.p_dec THEN p.e_rev ELSE p.e_dec END)
                  ELSE (CASE WHEN p.p_sup > p.p_dec THEN p.e_sup ELSE p.e_dec END) END AS eid,
       1 AS ph, p.p_first AS pos, k.x2 AS sub, 'MON202' AS code, CAST(NULL AS DOUBLE) AS used,
       CAST(NULL AS DOUBLE) AS days, CAST(NULL AS INT) AS nat, p.e_dec AS x1, k.x2 AS x2
FROM sod_person p CROSS JOIN (SELECT 0 AS x2 UNION ALL SELECT 1 AS x2) k
WHERE p.p_dec IS NOT NULL AND ((k.x2 = 0 AND p.p_rev IS NOT NULL) OR (k.x2 = 1 AND p.p_sup IS NOT NULL));

-- amounts against the benchmark's tiers: the event's violation picks the items (when it names one), its tier the tiers
CREATE OR REPLACE TEMPORARY VIEW disc_e AS
SELECT e.* FROM e JOIN powers p ON p.pk = e.pk
WHERE p.has_bench = 1 AND (e.amt IS NOT NULL OR e.tier IS NOT NULL);

CREATE OR REPLACE TEMPORARY VIEW disc_v AS
SELECT d.eid, COALESCE(MAX(CASE WHEN t.violation = d.violation THEN 1 ELSE 0 END), 0) AS vhit
FROM disc_e d LEFT JOIN tiers t ON t.pk = d.pk GROUP BY d.eid;

CREATE OR REPLACE TEMPORARY VIEW disc_c AS
SELECT d.eid, d.tier, t.level, t.f_has, t.f_times, t.f_lo, t.f_hi, t.s_has, t.s_times, t.s_lo, t.s_hi, d.amt
FROM disc_e d JOIN disc_v v ON v.eid = d.eid
JOIN tiers t ON t.pk = d.pk AND (d.violation IS NULL OR v.vhit = 0 OR t.violation = d.violation);

CREATE OR REPLACE TEMPORARY VIEW disc_k AS
SELECT d.eid, COALESCE(MAX(CASE WHEN c.level = d.tier THEN 1 ELSE 0 END), 0) AS khit
FROM disc_e d LEFT JOIN disc_c c ON c.eid = d.eid GROUP BY d.eid;

CREATE OR REPLACE TEMPORARY VIEW disc_a AS
SELECT d.ck, d.eid, d.pos, d.pk, d.amt, d.tier, k.khit,
  COALESCE(SUM(CASE WHEN c.s_has = 1 AND c.s_times = 0 THEN 1 ELSE 0 END), 0) AS n_stat,
  COALESCE(SUM(CASE WHEN c.s_has = 1 AND c.s_times = 0 AND (c.s_lo IS NULL OR d.amt >= c.s_lo)
                         AND (c.s_hi IS NULL OR d.amt <= c.s_hi) THEN 1 ELSE 0 END), 0) AS in_stat,
  COALESCE(SUM(CASE WHEN c.f_has = 1 AND c.f_times = 0 THEN 1 ELSE 0 END), 0) AS n_money,
  COALESCE(SUM(CASE WHEN c.f_has = 1 AND c.f_times = 0 AND (c.f_lo IS NULL OR d.amt >= c.f_lo)
                         AND (c.f_hi IS NULL OR d.amt <= c.f_hi) THEN 1 ELSE 0 END), 0) AS in_money,
  COALESCE(SUM(CASE WHEN c.f_has = 1 AND c.f_times = 1 THEN 1 ELSE 0 END), 0) AS n_times
FROM disc_e d JOIN disc_k k ON k.eid = d.eid
LEFT JOIN disc_c c ON c.eid = d.eid AND (d.tier IS NULL OR k.khit = 0 OR c.level = d.tier)
GROUP BY d.ck, d.eid, d.pos, d.pk, d.amt, d.tier, k.khit;

CREATE OR REPLACE TEMPORARY VIEW d_disc AS
SELECT ck, eid, 0 AS ph, pos, 3 AS sub, 'MON403' AS code, CAST(NULL AS DOUBLE) AS used, CAST(NULL AS DOUBLE) AS days,
       CAST(NULL AS INT) AS nat, CAST(NULL AS INT) AS x1, CAST(NULL AS INT) AS x2
FROM disc_a WHERE tier IS NOT NULL AND khit = 0
UNION ALL
SELECT ck, eid, 0, pos, 4, 'MON402', NULL, NULL, NULL, NULL, NULL
FROM disc_a WHERE amt IS NOT NULL AND n_stat > 0 AND in_stat = 0
UNION ALL
SELECT ck, eid, 0, pos, 4, 'MON401', NULL, NULL, NULL, NULL, NULL
FROM disc_a WHERE amt IS NOT NULL AND NOT (n_stat > 0 AND in_stat = 0) AND tier IS NOT NULL AND khit = 1
  AND n_money > 0 AND in_money = 0;

-- amounts that cannot be checked (MON010, said once per power: the first such event in processing order)
CREATE OR REPLACE TEMPORARY VIEW d_once AS
SELECT x.ck, x.eid, 9 AS ph, x.pos, 0 AS sub, x.code, CAST(NULL AS DOUBLE) AS used, CAST(NULL AS DOUBLE) AS days,
       CAST(NULL AS INT) AS nat, CAST(NULL AS INT) AS x1, CAST(NULL AS INT) AS x2
FROM (
  SELECT y.*, ROW_NUMBER() OVER (PARTITION BY y.pk, y.code ORDER BY y.op, y.ck, y.pos) AS rn FROM (
    SELECT e.ck, e.eid, e.pos, e.pk, k.op, 'MON010N' AS code
    FROM e JOIN powers p ON p.pk = e.pk JOIN cases k ON k.ck = e.ck WHERE p.has_bench = 0 AND e.amt IS NOT NULL
    UNION ALL
    SELECT a.ck, a.eid, a.pos, a.pk, k.op, 'MON010T'
    FROM disc_a a JOIN cases k ON k.ck = a.ck
    WHERE a.amt IS NOT NULL AND NOT (a.n_stat > 0 AND a.in_stat = 0) AND a.tier IS NOT NULL AND a.khit = 1
      AND a.n_times > 0) y) x
WHERE x.rn = 1;

CREATE OR REPLACE TEMPORARY VIEW dev AS
SELECT * FROM d_order UNION ALL SELECT * FROM d_actor UNION ALL SELECT * FROM d_time
UNION ALL SELECT * FROM d_end UNION ALL SELECT * FROM d_sod UNION ALL SELECT * FROM d_disc
UNION ALL SELECT * FROM d_once;
