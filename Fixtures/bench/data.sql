-- prepare-bench fixture data: deterministic (no random(): every value is arithmetic on the row
-- number), so two runs at the same scale load identical rows.
--
-- The scale comes from the custom setting realpool_bench.scale (prepare-bench runs
-- `SET realpool_bench.scale = N` first; with psql: -c 'SET realpool_bench.scale = 1').
-- Rows at scale s: categories 60, suppliers 100*s, users 10 000*s, addresses 15 000*s,
-- products 2 000*s, orders 30 000*s, order_items ~75 000*s (1-4 per order), reviews 20 000*s.
-- Loads in about a second at scale 1.

INSERT INTO categories (id, parent_id, name)
SELECT i, CASE WHEN i > 10 THEN (i % 10) + 1 END, 'category ' || i
FROM generate_series(1, 60) AS i;

INSERT INTO suppliers (id, name, country)
SELECT i, 'supplier ' || i, (ARRAY['DE','FR','US','JP','BR','IN','NL','SE'])[1 + i % 8]
FROM generate_series(1, 100 * current_setting('realpool_bench.scale')::int) AS i;

INSERT INTO users (id, email, name, country, created_at)
SELECT i, 'user' || i || '@example.com', 'User ' || i,
       (ARRAY['DE','FR','US','JP','BR','IN','NL','SE'])[1 + (i * 7) % 8],
       timestamptz '2020-01-01 00:00:00+00' + ((i::bigint * 2654435761) % 126230400) * interval '1 second'
FROM generate_series(1, 10000 * current_setting('realpool_bench.scale')::int) AS i;

-- every user has one address (id = user id); a third of them a second one
INSERT INTO addresses (id, user_id, street, city, country)
SELECT i,
       CASE WHEN i <= u THEN i ELSE (i - u) * 2 END,
       (i % 997) || ' Main Street', 'City ' || (i % 250),
       (ARRAY['DE','FR','US','JP','BR','IN','NL','SE'])[1 + (i * 7) % 8]
FROM (SELECT 10000 * current_setting('realpool_bench.scale')::int AS u) AS s,
     generate_series(1, 15000 * current_setting('realpool_bench.scale')::int) AS i;

INSERT INTO products (id, category_id, supplier_id, sku, name, price, stock)
SELECT i, 11 + (i * 31) % 50, 1 + (i * 17) % (100 * current_setting('realpool_bench.scale')::int),
       'SKU-' || lpad(i::text, 8, '0'), 'product ' || i,
       ((i::bigint * 7919) % 20000) / 100.0 + 1, 1000000
FROM generate_series(1, 2000 * current_setting('realpool_bench.scale')::int) AS i;

INSERT INTO orders (id, user_id, address_id, status, created_at, total)
SELECT i, u, u,
       (ARRAY['new','paid','shipped','delivered','cancelled'])[1 + (i * 13) % 5],
       timestamptz '2023-01-01 00:00:00+00' + ((i::bigint * 40503) % 63072000) * interval '1 second',
       0
FROM (SELECT i, 1 + ((i::bigint * 48271) % (10000 * current_setting('realpool_bench.scale')::int)) AS u
      FROM generate_series(1, 30000 * current_setting('realpool_bench.scale')::int) AS i) AS g;

INSERT INTO order_items (order_id, line, product_id, quantity, unit_price)
SELECT o.id, l, p.id, 1 + (o.id + l) % 4, p.price
FROM orders AS o
CROSS JOIN LATERAL generate_series(1, 1 + (o.id * 7 % 4)::int) AS l
JOIN products AS p ON p.id = 1 + ((o.id * 131 + l * 977) % (2000 * current_setting('realpool_bench.scale')::int));

UPDATE orders AS o SET total = t.total
FROM (SELECT order_id, sum(quantity * unit_price) AS total FROM order_items GROUP BY order_id) AS t
WHERE t.order_id = o.id;

INSERT INTO reviews (id, product_id, user_id, rating, body)
SELECT i, 1 + (i * 53) % (2000 * current_setting('realpool_bench.scale')::int),
       1 + (i * 89) % (10000 * current_setting('realpool_bench.scale')::int),
       1 + (i * 3) % 5, 'review ' || i
FROM generate_series(1, 20000 * current_setting('realpool_bench.scale')::int) AS i;

-- identity columns: continue after the loaded ids (the write workload inserts orders)
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('addresses', 'id'), (SELECT max(id) FROM addresses));
SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
SELECT setval(pg_get_serial_sequence('reviews', 'id'), (SELECT max(id) FROM reviews));

ANALYZE categories, suppliers, users, addresses, products, orders, order_items, reviews;
