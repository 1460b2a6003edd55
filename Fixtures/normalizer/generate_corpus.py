#!/usr/bin/env python3
"""Generates corpus.json, the normaliser's test corpus. Expected values are written by hand here
(not recorded from the implementation); run `python3 generate_corpus.py` after editing.

corpus.json:
  cases:     {sql, style?, canonical?, kind?, lexable?, literals? (decoded values), texts? (as written),
              kinds? (literal kinds), executable?, parameterCount?, command?}
  same:      [[sql, sql, style?]]  -- must have the same canonical text and fingerprint
  different: [[sql, sql]]          -- must have different canonical texts
  matches:   {target, query, style?, parameters (list of "$n" for a query parameter, or the
              literal's value prefixed with '=', e.g. "=42") or null when the query must not match}
"""
import json, os

cases = []
def case(sql, canonical=None, kind=None, literals=None, style=None, lexable=None, **extra):
    c = {"sql": sql}
    if style: c["style"] = style
    if canonical is not None: c["canonical"] = canonical
    if kind: c["kind"] = kind
    if literals is not None: c["literals"] = literals
    if lexable is not None: c["lexable"] = lexable
    c.update(extra)
    cases.append(c)

def bad(sql, style=None):
    case(sql, kind="unlexable", lexable=False, style=style)

# ---- whitespace, comments ----
case("SELECT 1", "select $1", "preparable", ["1"])
case("  select\t1\n", "select $1", "preparable", ["1"])
case("select\r\n1\f", "select $1", "preparable", ["1"])
# \v is whitespace only from PostgreSQL 16 on: not guessed.
case("select\v1", lexable=False, kind="unlexable")
case("select 'a'\n\v'b'", lexable=False, kind="unlexable")
case("select 1 -- trailing comment", "select $1", "preparable", ["1"])
case("select /* c */ 1", "select $1", "preparable", ["1"])
case("select /* outer /* inner */ still comment */ 1", "select $1", "preparable", ["1"])
case("select /*/ not closed yet */ 1", "select $1", "preparable", ["1"])
case("select 1 /* unterminated", lexable=False, kind="unlexable")
case("select 1 /* nested /* once */", lexable=False, kind="unlexable")
case("--only a comment", "", "empty", [])
case("", "", "empty", [])
case("   \n\t ", "", "empty", [])
case(";", "", "empty", [])
case(" ; ; ", "", "empty", [])
case("/* c */ ;", "", "empty", [])
case("select 1;", "select $1", "preparable", ["1"])
case("select 1 ;  -- done\n", "select $1", "preparable", ["1"])
case("select 1;;", "select $1", "preparable", ["1"])
case("select 1; select 2", "select 1 ; select 2", "multiStatement", [])
case("select 1; /* c */ select 2;", kind="multiStatement")
case("; select 1", kind="multiStatement")
case("select a--b\nfrom t", "select a from t", "preparable", [])
case("select a/*x*/from t", "select a from t", "preparable", [])

# ---- identifiers and keywords ----
case("SELECT Foo FROM Bar", "select foo from bar", "preparable", [])
case('SELECT "Foo" FROM "Bar"', 'select "Foo" from "Bar"', "preparable", [])
case('select "a""b" from t', 'select "a""b" from t', "preparable", [])
case('select "select" from "t t"', 'select "select" from "t t"', "preparable", [])
case('select ""', lexable=False, kind="unlexable")
case('select "unterminated', lexable=False, kind="unlexable")
case("select café, ÉTÉ from t", "select café , ÉtÉ from t", "preparable", [])
case("select a$b, _x1 from t", "select a$b , _x1 from t", "preparable", [])
case('select U&"d\\0061t\\+000061" from t', 'select "data" from t', "preparable", [])
case('select U&"d!0061t" UESCAPE \'!\' from t', 'select "dat" from t', "preparable", [])
case('select u&"a\\\\b" from t', 'select "a\\b" from t', "preparable", [])
case('select U&"\\0000" from t', lexable=False, kind="unlexable")
case('select U&"\\D800" from t', lexable=False, kind="unlexable")
case("select t.a, s.t.b from s.t", "select t . a , s . t . b from s . t", "preparable", [])
case("select * from t", "select * from t", "preparable", [])
case("select t.* from t", "select t . * from t", "preparable", [])

# ---- strings ----
case("select 'a'", "select $1", "preparable", ["a"], texts=["'a'"], kinds=["string"])
case("select ''", "select $1", "preparable", [""])
case("select 'it''s'", "select $1", "preparable", ["it's"], texts=["'it''s'"])
case("select 'back\\slash'", "select $1", "preparable", ["back\\slash"])
case("select 'a'\n'b'", "select $1", "preparable", ["ab"], texts=["'a'\n'b'"])
case("select 'a' \n  'b'\n\t'c'", "select $1", "preparable", ["abc"])
case("select 'a' -- comment\n 'b'", "select $1", "preparable", ["ab"])
case("select 'a'\r\n'b'", "select $1", "preparable", ["ab"])
# Two adjacent strings without a newline are a syntax error; the second is kept in the shape.
case("select 'a' 'b'", "select $1 'b'", "preparable", ["a"])
case("select 'a' /* c */\n'b'", "select $1 'b'", "preparable", ["a"])
case("select 'unterminated", lexable=False, kind="unlexable")
case("select 'x''", lexable=False, kind="unlexable")
case("select 'multi\nline'", "select $1", "preparable", ["multi\nline"])
case("select 'ünïcödé'", "select $1", "preparable", ["ünïcödé"])
case("select E'a\\nb'", "select $1", "preparable", ["a\nb"], texts=["E'a\\nb'"])
case("select e'tab\\there'", "select $1", "preparable", ["tab\there"])
case("select E'\\b\\f\\r'", "select $1", "preparable", ["\b\f\r"])
case("select E'q\\'q'", "select $1", "preparable", ["q'q"])
case("select E'q''q'", "select $1", "preparable", ["q'q"])
case("select E'\\\\'", "select $1", "preparable", ["\\"])
case("select E'\\101\\102'", "select $1", "preparable", ["AB"])
case("select E'\\x41\\x4a'", "select $1", "preparable", ["AJ"])
case("select E'\\x4g'", "select $1", "preparable", ["\x04g"])
case("select E'\\xg'", "select $1", "preparable", ["xg"])
case("select E'\\u00e9'", "select $1", "preparable", ["é"])
case("select E'\\U0001F600'", "select $1", "preparable", ["\U0001F600"])
case("select E'\\uD83D\\uDE00'", "select $1", "preparable", ["\U0001F600"])
case("select E'\\303\\251'", "select $1", "preparable", ["é"])
case("select E'\\xc3\\xa9'", "select $1", "preparable", ["é"])
case("select E'\\q'", "select $1", "preparable", ["q"])
case("select E'a'\n'\\n'", "select $1", "preparable", ["a\n"])
case("select E'\\0'", lexable=False, kind="unlexable")
case("select E'\\x00'", lexable=False, kind="unlexable")
case("select E'\\xff'", lexable=False, kind="unlexable")
case("select E'\\u00'", lexable=False, kind="unlexable")
case("select E'\\uD83D'", lexable=False, kind="unlexable")
case("select E'\\uDE00'", lexable=False, kind="unlexable")
case("select E'\\u0000'", lexable=False, kind="unlexable")
case("select E'\\v'", lexable=False, kind="unlexable")
case("select E'unterminated\\'", lexable=False, kind="unlexable")
case("select U&'d\\0061t\\+000061'", "select $1", "preparable", ["data"])
case("select U&'d!0061t' UESCAPE '!'", "select $1", "preparable", ["dat"], texts=["U&'d!0061t' UESCAPE '!'"])
case("select U&'d!0061t' /* c */ uescape\n'!' as x", "select $1 as x", "preparable", ["dat"])
case("select U&'a\\\\b'", "select $1", "preparable", ["a\\b"])
case("select U&'\\D83D\\DE00'", "select $1", "preparable", ["\U0001F600"])
case("select U&'x' UESCAPE 'a'", lexable=False, kind="unlexable")
case("select U&'x' UESCAPE '+'", lexable=False, kind="unlexable")
case("select U&'x' UESCAPE 'ab'", lexable=False, kind="unlexable")
case("select U&'\\12'", lexable=False, kind="unlexable")
case("select U&'\\+110000'", lexable=False, kind="unlexable")
case("select U&'a'\n'b'", "select $1", "preparable", ["ab"])
case("select u&'a'", "select $1", "preparable", ["a"])
case("select N'abc'", "select nchar 'abc'", "preparable", [])
case("select B'1010', X'1F', b'1'\n'0'", "select b'1010' , x'1F' , b'10'", "preparable", [])
case("select B'101", lexable=False, kind="unlexable")
case("select $$a'b$$", "select $1", "preparable", ["a'b"], texts=["$$a'b$$"])
case("select $$$$", "select $1", "preparable", [""])
case("select $tag$ $$ nested $x$ $tag$", "select $1", "preparable", [" $$ nested $x$ "])
case("select $a$x$ab$y$a$", "select $1", "preparable", ["x$ab$y"])
case("select $_$\\n$_$", "select $1", "preparable", ["\\n"])
case("select $é$x$é$", "select $1", "preparable", ["x"])
case("select $TAG$x$tag$ $TAG$", "select $1", "preparable", ["x$tag$ "])
case("select $$unterminated", lexable=False, kind="unlexable")
case("select $a$x$b$", lexable=False, kind="unlexable")
case("select $1a", lexable=False, kind="unlexable")
case("select $ 1", lexable=False, kind="unlexable")
case("select $a", lexable=False, kind="unlexable")
case("select a$$b", "select a$$b", "preparable", [])

# ---- numbers ----
case("select 42", "select $1", "preparable", ["42"], kinds=["integer"])
case("select 4.2", "select $1", "preparable", ["4.2"], kinds=["numeric"])
case("select .5", "select $1", "preparable", [".5"], kinds=["numeric"])
case("select 5.", "select $1", "preparable", ["5."], kinds=["numeric"])
case("select 1e10", "select $1", "preparable", ["1e10"], kinds=["numeric"])
case("select 1.5E-3", "select $1", "preparable", ["1.5E-3"], kinds=["numeric"])
case("select 2e+2", "select $1", "preparable", ["2e+2"])
case("select 007", "select $1", "preparable", ["007"])
# PostgreSQL 16 number syntax: an error on 15 ("trailing junk"), `0 AS x1F` on 14 and older, so
# the text is not lexed at all and runs plainly (the server reads it its own way)
bad("select 0x1F")
bad("select 0o17, 0b101")
bad("select 1_000_000")
bad("select 1_000")
bad("select 0b101")
bad("select * from t where id = 0x1F")
bad("select * from t limit 1_0")
case("select 0x", lexable=False, kind="unlexable")
bad("select 0x_1")
case("select 0xg", lexable=False, kind="unlexable")
case("select 1__0", lexable=False, kind="unlexable")
case("select 1_", lexable=False, kind="unlexable")
case("select 123abc", lexable=False, kind="unlexable")
case("select 1e", lexable=False, kind="unlexable")
case("select 1e+", lexable=False, kind="unlexable")
case("select 1.5x", lexable=False, kind="unlexable")
case("select arr[1:2] from t", "select arr [ $1 : $2 ] from t", "preparable", ["1", "2"])
case("select 1..2", lexable=True)
case("select -1", "select $1", "preparable", ["-1"], texts=["-1"])
case("select - 1", "select $1", "preparable", ["-1"], texts=["- 1"])
case("select - /* c */ 8", "select $1", "preparable", ["-8"], texts=["- /* c */ 8"])
case("select * from t where a = - 8", "select * from t where a = $1", "preparable", ["-8"])
case("select -1.5", "select $1", "preparable", ["-1.5"])
case("select a-1 from t", "select a - $1 from t", "preparable", ["1"])
case("select a -1 from t", "select a - $1 from t", "preparable", ["1"])
case("select 1-1", "select $1 - $2", "preparable", ["1", "1"])
case("select (1)-1", "select ( $1 ) - $2", "preparable", ["1", "1"])
case("select f(-1, -2)", "select f ( $1 , $2 )", "preparable", ["-1", "-2"])
case("select * from t where a=-1", "select * from t where a = $1", "preparable", ["-1"])
case("select * from t where a<-1", "select * from t where a < $1", "preparable", ["-1"])
case("select * from t where a<>-1", "select * from t where a <> $1", "preparable", ["-1"])
case("select * from t where a @-1", "select * from t where a @- $1", "preparable", ["1"])
case("select 2 * -3", "select $1 * $2", "preparable", ["2", "-3"])
case("select - -1", "select - $1", "preparable", ["-1"])
case("select -1::text", "select - $1 :: text", "preparable", ["1"])
case("select x from t where a = -1 and b = 2", "select x from t where a = $1 and b = $2", "preparable", ["-1", "2"])
case("select case when a then -1 else -2 end", "select case when a then $1 else $2 end", "preparable", ["-1", "-2"])
case("select case when a then 1 end -1", "select case when a then $1 end - $2", "preparable", ["1", "1"])
case("select null -1", "select null - $1", "preparable", ["1"])
bad("select -0x1F")
# a unary minus folds into the constant: -2147483648 is int4, 2147483648 int8, so these two
# magnitudes are not lifted where an outer minus may reach them
case("select -2147483648", "select $1", "preparable", ["-2147483648"])
case("select 2147483648", "select $1", "preparable", ["2147483648"])
case("select - -2147483648", "select - - 2147483648", "preparable", [])
case("select -(2147483648)", "select - ( 2147483648 )", "preparable", [])
case("select -((-9223372036854775808))", "select - ( ( - 9223372036854775808 ) )", "preparable", [])
case("select a - 2147483648 from t", "select a - 2147483648 from t", "preparable", [])
case("select - -2147483647", "select - $1", "preparable", ["-2147483647"])
case("select * from t fetch first -5 rows only", "select * from t fetch first $1 rows only", "preparable", ["-5"])
case("select * from t fetch next 5 rows only", "select * from t fetch next $1 rows only", "preparable", ["5"])
# utility statements keep their constants: `set local time zone - $1` would not parse
case("SET LOCAL TIME ZONE -8", "set local time zone - 8", "utility", [])
case("SET LOCAL statement_timeout = 5000", "set local statement_timeout = 5000", "utility", [])
case("CREATE TABLE t (a int DEFAULT -1, b text DEFAULT 'x')", "create table t ( a int default - 1 , b text default 'x' )", "utility", [])

# ---- operators ----
case("select a+b", "select a + b", "preparable", [])
case("select a!=b, a<>b", "select a <> b , a <> b", "preparable", [])
case("select a<=b, a>=b, a=>b", "select a <= b , a >= b , a => b", "preparable", [])
case("select a||b", "select a || b", "preparable", [])
case("select a::int", "select a :: int", "preparable", [])
case("select a *-1", "select a * $1", "preparable", ["-1"])
case("select a+-b", "select a + - b", "preparable", [])
case("select a @@ b", "select a @@ b", "preparable", [])
case("select a ~~* b", "select a ~~* b", "preparable", [])
case("select a ?| b", "select a ?| b", "preparable", [])
case("select a ?& b", "select a ?& b", "preparable", [])
case("select a ? 'k'", "select a ? $1", "preparable", ["k"])
case("select a % 2", "select a % $1", "preparable", ["2"])
case("select a #- b", "select a #- b", "preparable", [])
case("select a !- b", "select a !- b", "preparable", [])
case("select a <-> b", "select a <-> b", "preparable", [])
case("select a +/*c*/ b", "select a + b", "preparable", [])
case("select a*--c\nb", "select a * b", "preparable", [])
case("select a=+b", "select a = + b", "preparable", [])
case("select a>=-1", "select a >= $1", "preparable", ["-1"])
case("select a.b[1]", "select a . b [ $1 ]", "preparable", ["1"])
case("select :x", "select : x", "preparable", [])
case("do $$ begin x := 1; end $$", "do $$ begin x := 1; end $$".replace("$$ begin x := 1; end $$", "' begin x := 1; end '"), "utility", [])
case("select \\x", lexable=False, kind="unlexable")
case("select {x}", lexable=False, kind="unlexable")
case("select a\u0000b", lexable=False, kind="unlexable")

# ---- constants that are part of the shape ----
case("select a, b from t order by 2", "select a , b from t order by 2", "preparable", [])
case("select a, b from t order by 2 desc, 1", "select a , b from t order by 2 desc , 1", "preparable", [])
case("select a, count(*) from t group by 1 order by 2 limit 5", "select a , count ( * ) from t group by 1 order by 2 limit $1", "preparable", ["5"])
case("select a from t order by (1)", "select a from t order by ( 1 )", "preparable", [])
case("select a from t order by a offset 3", "select a from t order by a offset $1", "preparable", ["3"])
case("select a from t group by rollup (1, 2)", "select a from t group by rollup ( 1 , 2 )", "preparable", [])
case("select distinct on (1) a from t", "select distinct on ( 1 ) a from t", "preparable", [])
case("select rank() over (partition by 1 order by 2) from t where x = 3", "select rank ( ) over ( partition by 1 order by 2 ) from t where x = $1", "preparable", ["3"])
case("select a from t order by 'x'", "select a from t order by 'x'", "preparable", [])
case("select a from t order by -1", "select a from t order by - 1", "preparable", [])
case("select a from t group by a having count(*) > 1", "select a from t group by a having count ( * ) > $1", "preparable", ["1"])
case("select a from t order by a for update", "select a from t order by a for update", "preparable", [])
case("select a from (select b from t order by 1) s where c = 2", "select a from ( select b from t order by 1 ) s where c = $1", "preparable", ["2"])
case("select string_agg(a, ',' order by 1) from t where b = 'x'", "select string_agg ( a , $1 order by 1 ) from t where b = $2", "preparable", [",", "x"])
case("select 1 union select 2 order by 1", "select $1 union select $2 order by 1", "preparable", ["1", "2"])
case("select cast(a as varchar(20)) from t", "select cast ( a as varchar ( 20 ) ) from t", "preparable", [])
case("select a::numeric(10,2) from t", "select a :: numeric ( 10 , 2 ) from t", "preparable", [])
case("select a::varchar(3), 'x'::text", "select a :: varchar ( 3 ) , $1 :: text", "preparable", ["x"])
case("select a::vector(3)", "select a :: vector ( 3 )", "preparable", [])
case("select a::pg_catalog.varchar(3)", "select a :: pg_catalog . varchar ( 3 )", "preparable", [])
case("select a::int[3]", "select a :: int [ 3 ]", "preparable", [])
case("select a::\"varchar\"(3)", "select a :: \"varchar\" ( 3 )", "preparable", [])
case("select cast(a as geometry(point, 4326))", "select cast ( a as geometry ( point , 4326 ) )", "preparable", [])
case("select timestamp(3) '2024-01-01'", "select timestamp ( 3 ) '2024-01-01'", "preparable", [])
case("select DATE '2024-01-01'", "select date '2024-01-01'", "preparable", [])
case("select interval '1 day'", "select interval '1 day'", "preparable", [])
case("select INTERVAL '1' DAY", "select interval '1' day", "preparable", [])
case("select timestamp with time zone '2024-01-01 00:00+00'", "select timestamp with time zone '2024-01-01 00:00+00'", "preparable", [])
case("select pg_catalog.int4 '1'", "select pg_catalog . int4 '1'", "preparable", [])
case("select \"int4\" '1'", "select \"int4\" '1'", "preparable", [])
case("select varchar(3) 'abc'", "select varchar ( 3 ) 'abc'", "preparable", [])
case("select date E'2024-01-01'", "select date '2024-01-01'", "preparable", [])
case("select date $$2024-01-01$$", "select date '2024-01-01'", "preparable", [])
case("select now() at time zone 'UTC'", "select now ( ) at time zone 'UTC'", "preparable", [])
case("select '2024-01-01'::date", "select $1 :: date", "preparable", ["2024-01-01"])
case("select 'a' like 'b' escape '!'", "select $1 like $2 escape '!'", "preparable", ["a", "b"])
case("select null, true, false", "select null , true , false", "preparable", [])
case("select a from t where a in (1, 2, 3)", "select a from t where a in ( $1 , $2 , $3 )", "preparable", ["1", "2", "3"])
case("select a from t where a = any('{1,2}')", "select a from t where a = any ( $1 )", "preparable", ["{1,2}"])
case("select array['a', 'b']", "select array [ $1 , $2 ]", "preparable", ["a", "b"])
case("select a from t where b between 1 and 10", "select a from t where b between $1 and $2", "preparable", ["1", "10"])
case("select a from t where b is distinct from 'x'", "select a from t where b is distinct from $1", "preparable", ["x"])
case("select substring(a from 2 for 3) from t", "select substring ( a from $1 for $2 ) from t", "preparable", ["2", "3"])
case("select a from t limit 10 offset 20", "select a from t limit $1 offset $2", "preparable", ["10", "20"])
case("select a from t fetch first 5 rows only", "select a from t fetch first $1 rows only", "preparable", ["5"])
case("with x as materialized (select 1) select * from x", "with x as materialized ( select $1 ) select * from x", "preparable", ["1"])

# ---- parameters ----
case("select $1, $2", "select $1 , $2", "preparable", [], parameterCount=2)
case("select $2, $1", "select $1 , $2", "preparable", [], parameterCount=2)
case("select $1 + $1", "select $1 + $2", "preparable", [], parameterCount=1)
case("select $10", "select $1", "preparable", [], parameterCount=10)
case("select $0", lexable=False, kind="unlexable")
case("select $99999", lexable=False, kind="unlexable")
case("select $1 from t where a = 5", "select $1 from t where a = $2", "preparable", ["5"], parameterCount=1)

# ---- placeholder styles ----
case("select * from t where a = ? and b = ?", "select * from t where a = $1 and b = $2", "preparable", [], style="question",
     executable="select * from t where a = $1 and b = $2", parameterCount=2)
case("select '?', \"?\", $$?$$ -- ?\n, ?", "select $1 , \"?\" , $2 , $3", "preparable", ["?", "?"], style="question",
     executable="select '?', \"?\", $$?$$ -- ?\n, $1", parameterCount=1)
case("select a ?| b", style="question", executable="select a $1| b")
case("select ?1", style="question", lexable=False, kind="unlexable")
case("select a?", style="question", lexable=False, kind="unlexable")
case("select $1, ?", style="question", lexable=False, kind="unlexable")
case("select ?, 'x' from t where y = 5", "select $1 , $2 from t where y = $3", "preparable", ["x", "5"], style="question",
     texts=["'x'", "5"], positions=[10, 31])
case("select 'unterminated ?", style="question", lexable=False, kind="unlexable")
case("select * from t where a = %s and b = %s", "select * from t where a = $1 and b = $2", "preparable", [], style="percent",
     executable="select * from t where a = $1 and b = $2", parameterCount=2)
case("select a %% 2 from t where b like 'x%%' and c = %s", "select a % $1 from t where b like $2 and c = $3", "preparable", ["2", "x%"],
     style="percent", executable="select a % 2 from t where b like 'x%' and c = $1", texts=["2", "'x%%'"], positions=[12, 34])
case("select a % 2", style="percent", lexable=False, kind="unlexable")
case("select 'a%'", style="percent", lexable=False, kind="unlexable")
case("select '%s'", style="percent", lexable=False, kind="unlexable")
case("select %s%s", "select $1 $2", style="percent", executable="select $1$2")
case("select a%s", style="percent", lexable=False, kind="unlexable")
case("select $1, %s", style="percent", lexable=False, kind="unlexable")
case("select 100", "select $1", "preparable", ["100"], style="percent", executable="select 100")
case("select a % 2", "select a % $1", "preparable", ["2"], style="dollar")

# ---- classification ----
def kind(sql, k, command=None):
    c = {"sql": sql, "kind": k}
    if command: c["command"] = command
    cases.append(c)

for sql, command in [
    ("BEGIN", "begin"), ("begin work", "begin"), ("begin transaction isolation level serializable", "begin"),
    ("START TRANSACTION", "begin"), ("start transaction read only", "begin"),
    ("COMMIT", "commit"), ("commit work", "commit"), ("commit and chain", "commit"), ("END", "commit"), ("end transaction", "commit"),
    ("ROLLBACK", "rollback"), ("rollback work", "rollback"), ("ABORT", "rollback"), ("rollback and chain", "rollback"),
    ("SAVEPOINT s1", "savepoint"), ("RELEASE SAVEPOINT s1", "release"), ("release s1", "release"),
    ("ROLLBACK TO SAVEPOINT s1", "rollbackToSavepoint"), ("rollback to s1", "rollbackToSavepoint"),
    ("rollback work to savepoint s1", "rollbackToSavepoint"), ("rollback transaction to s1", "rollbackToSavepoint"),
    ("PREPARE TRANSACTION 'tx1'", "prepareTransaction"), ("COMMIT PREPARED 'tx1'", "commitPrepared"),
    ("ROLLBACK PREPARED 'tx1'", "rollbackPrepared"), ("begin;", "begin"), ("/* hi */ Commit ;", "commit"),
]:
    kind(sql, "transactionControl", command)

for sql in [
    "SET search_path TO app", "set statement_timeout = 1000", "SET SESSION statement_timeout = 5",
    "SET ROLE admin", "set session authorization bob", "SET TIME ZONE 'UTC'", "set session characteristics as transaction read only",
    "RESET ALL", "reset search_path", "LISTEN chan", "UNLISTEN *", "unlisten chan",
    "CREATE TEMP TABLE t (a int)", "create temporary table t as select 1", "create local temporary table t (a int)",
    "create global temp table t (a int)", "CREATE TEMP VIEW v AS SELECT 1", "create temp sequence s",
    "create or replace temp view v as select 1", "create temporary view v as select 1",
    "SELECT * INTO TEMP t FROM u", "select a into temporary table t from u", "select a into local temp t from u",
    "DECLARE c CURSOR WITH HOLD FOR SELECT 1", "declare c no scroll cursor with hold for select 1",
    "PREPARE p AS SELECT 1", "prepare p(int) as select $1", "EXECUTE p", "execute p(1)", "DEALLOCATE p", "deallocate all",
    "DISCARD ALL", "discard temp", "LOAD 'auto_explain'",
    "SELECT pg_advisory_lock(1)", "select pg_try_advisory_lock(1, 2)", "select pg_advisory_unlock(1)",
    "select pg_advisory_lock_shared(1)", "select pg_try_advisory_lock_shared(1)", "select pg_advisory_unlock_shared(1)",
    "select pg_advisory_unlock_all()", "select pg_catalog.pg_advisory_lock(1)", "SELECT PG_ADVISORY_LOCK(1)",
    'select "pg_advisory_lock"(1)', "select x from t where pg_try_advisory_lock(t.id)",
    "with l as (select pg_advisory_lock(1)) select * from l", "select set_config('search_path', 'x', false)",
    "insert into t select pg_advisory_lock(1)",
]:
    kind(sql, "sessionState")

for sql in [
    "SELECT 1", "select * from t where id = 1 for update", "select * from t for share skip locked",
    "INSERT INTO t VALUES (1)", "insert into t (a) values (1) returning id", "insert into t select * from u on conflict do nothing",
    "UPDATE t SET a = 1 WHERE b = 2", "DELETE FROM t WHERE a = 1", "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE",
    "VALUES (1), (2)", "TABLE t", "(select 1) union (select 2)", "((select 1))",
    "WITH x AS (SELECT 1) SELECT * FROM x", "with recursive r(n) as (select 1 union all select n+1 from r) select * from r",
    "with d as (delete from t returning *) insert into u select * from d", "with x as (select 1) update t set a = 1",
    "with x as (select 1) delete from t", "with x as not materialized (select 1) select 1",
    "with x as (select 1) values (1)", "select pg_advisory_xact_lock(1)", "select pg_try_advisory_xact_lock(1)",
    "select a from t where a into_x = 1", "select * from t t1 join u on t1.a = u.a",
    "select 'SET x = 1'", "select $$ BEGIN $$", "select 1 -- ; select 2",
    "insert into t select a from u where a in (select b from v)",
    "select (select a into b from c)",
]:
    kind(sql, "preparable")

for sql in [
    "EXPLAIN SELECT 1", "explain analyze delete from t", "COPY t FROM STDIN", "copy (select 1) to stdout",
    "CREATE TABLE t (a int)", "create unlogged table t (a int)", "create view v as select 1", "create index on t (a)",
    "ALTER TABLE t ADD COLUMN b int", "DROP TABLE t", "TRUNCATE t", "VACUUM", "ANALYZE t", "NOTIFY chan, 'x'",
    "SET LOCAL search_path TO app", "set local statement_timeout = 1", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
    "SET CONSTRAINTS ALL DEFERRED", "DECLARE c CURSOR FOR SELECT 1", "declare c cursor without hold for select 1",
    "SHOW search_path", "LOCK TABLE t", "CALL p(1)", "DO $$ BEGIN END $$", "GRANT SELECT ON t TO bob",
    "COMMENT ON TABLE t IS 'x'", "REFRESH MATERIALIZED VIEW v", "CHECKPOINT", "select * into t2 from t",
    "select a into unlogged t2 from t", "with x as (select 1) create table y", "CLUSTER t", "REINDEX TABLE t",
    "create function f() returns int as $$ select 1 $$ language sql", "start", "(", "42",
]:
    kind(sql, "utility")

# ---- same shape ----
same = [
    ["select * from users where id = 1", "SELECT  *  FROM users WHERE id = 42"],
    ["select * from users where id = 1", "select * from users where id = $1"],
    ["select * from users where id = $1", "select * from users where id = ?", "question"],
    ["select * from users where id = $1", "select * from users where id = %s", "percent"],
    ["select * from users where id = 1", "select * from users /* c */ where id = -- c\n 1"],
    ["select * from users where name = 'a'", "select * from users where name = E'b\\n'"],
    ["select * from users where name = 'a'", "select * from users where name = $$b$$"],
    ["select * from users where name = 'a'", "select * from users where name = U&'\\0062'"],
    ["select * from users where name = 'a'", "select * from users where name = 'x'\n'y'"],
    ["select * from users where n = 1.5", "select * from users where n = -2e3"],
    ["select * from users where n = 1", "select * from users where n = -1"],
    ["select * from users where n = 1", "select * from users where n = 1.0"],
    ["select a from t", "select a from t;"],
    ["select a from t", "SELECT A FROM T"],
    ["select a from t", "select\ta\nfrom\r\nt"],
    ["select a from t where b <> 1", "select a from t where b != 1"],
    ['select "A" from t', 'select U&"\\0041" from t'],
    ["select a from t where x = 'y' limit 10", "select a from t where x = 'z' limit 20"],
    ["select a from t where x in (1, 2)", "select a from t where x in ($1, 'b')"],
    ["select $1, $2", "select $2, $1"],
    ["insert into t (a, b) values (1, 'x')", "INSERT INTO t(a,b) VALUES(2,'y')"],
    ["update t set a = 1 where b = 2", "update t set a = $1 where b = $2"],
    ["select date '2024-01-01'", "select DATE E'2024-01-01'"],
    ["select a::varchar(3)", "SELECT a::VARCHAR(3)"],
    ["select f(-1)", "select f(1)"],
    ["select a from t where b = 1", "select a from t where b = 1 -- trailing"],
    ["select x from t where a like 'a%'", "select x from t where a like 'b_'"],
]
different = [
    ["select a from t", "select b from t"],
    ["select a from t", "select a from u"],
    ['select "a" from t', 'select "A" from t'],
    ['select a from t', 'select "A" from t'],
    ["select a from t where x = 1", "select a from t where x > 1"],
    ["select a from t where x = 1", "select a from t where x = 1 and y = 2"],
    ["select a from t where x in (1, 2)", "select a from t where x in (1, 2, 3)"],
    ["select a from t order by a asc", "select a from t order by a desc"],
    ["select a from t order by 1", "select a from t order by 2"],
    ["select a from t group by 1", "select a from t group by 2"],
    ["select a::varchar(20)", "select a::varchar(30)"],
    ["select a::numeric(10,2)", "select a::numeric(10,3)"],
    ["select date '2024-01-01'", "select date '2024-01-02'"],
    ["select interval '1 day'", "select interval '2 days'"],
    ["select B'101'", "select B'100'"],
    ["select 0x10", "select 0x11"],
    ["select a from t where x = 1", "select a from t where x = 1;select 1"],
    ["select a - 1", "select a + 1"],
    ["select a || b", "select a | b"],
    ["select a from t where x ? 'k'", "select a from t where x ?| 'k'"],
    ["select * from t for update", "select * from t for share"],
    ["select * from t limit 1", "select * from t offset 1"],
    ["select a.b from t", "select a_b from t"],
    ["select 'a' b", "select 'a' as b"],
    ["select N'x'", "select 'x'"],
    ["select null", "select 'null'"],
    ["select true", "select 'true'"],
    ["select -1::text", "select (-1)::text"],
    ["select a from t where b = 'x'", "select a from t where b = \"x\""],
]

matches = [
    {"target": "SELECT * FROM users WHERE status = 'active' AND id = $1",
     "query": "select * from users where STATUS='active' and id=42", "parameters": ["=42"]},
    {"target": "SELECT * FROM users WHERE status = 'active' AND id = $1",
     "query": "select * from users where status = 'gone' AND id = 42", "parameters": None},
    {"target": "SELECT * FROM users WHERE status = 'active' AND id = $1",
     "query": "select * from users where status = E'active' AND id = $1", "parameters": ["$1"]},
    {"target": "SELECT * FROM users WHERE status = 'active' AND id = $1",
     "query": "select * from users where status = $1 AND id = 7", "parameters": None},
    {"target": "select * from t where a = $1 and b = $2", "query": "select * from t where a = 1 and b = 'x'", "parameters": ["=1", "=x"]},
    {"target": "select * from t where a = $2 and b = $1", "query": "select * from t where a = 1 and b = 'x'", "parameters": ["=x", "=1"]},
    {"target": "select * from t where a = $1 and b = $2", "query": "select * from t where a = $2 and b = $1", "parameters": ["$2", "$1"]},
    {"target": "select * from t where a = $1 and b = $1", "query": "select * from t where a = 5 and b = 5", "parameters": ["=5"]},
    {"target": "select * from t where a = $1 and b = $1", "query": "select * from t where a = 5 and b = 6", "parameters": None},
    {"target": "select * from t where a = $1 and b = $1", "query": "select * from t where a = $1 and b = $1", "parameters": ["$1"]},
    {"target": "select * from t where a = $1 and b = $1", "query": "select * from t where a = $1 and b = $2", "parameters": None},
    {"target": "select * from t where a = $1 and b = $2", "query": "select * from t where a = $1 and b = $1", "parameters": ["$1", "$1"]},
    {"target": "select * from t where a = $1", "query": "select * from t where a = ?", "style": "question", "parameters": ["$1"]},
    {"target": "select * from t where a = $1 and b = 2", "query": "select * from t where a = %s and b = 2", "style": "percent", "parameters": ["$1"]},
    {"target": "select * from t where a = $1 and b = 2", "query": "select * from t where a = %s and b = 3", "style": "percent", "parameters": None},
    {"target": "select * from t where a = $1", "query": "select * from t where a = -7", "parameters": ["=-7"]},
    {"target": "select * from t where a = $1", "query": "select * from t where a = 'it''s'", "parameters": ["=it's"]},
    {"target": "select * from t where a = $1", "query": "select * from t where b = 1", "parameters": None},
    {"target": "select * from t where a = 1", "query": "select * from t where a = 1", "parameters": []},
    {"target": "select * from t where a = 1", "query": "select * from t where a = 1.0", "parameters": None},
    {"target": "select * from t where a = 'x'", "query": "select * from t where a = $$x$$", "parameters": []},
    {"target": "select * from t where a in ($1, $2)", "query": "select * from t where a in (1, 2, 3)", "parameters": None},
    {"target": "select * from t order by 1 limit $1", "query": "select * from t order by 1 limit 10", "parameters": ["=10"]},
    {"target": "select * from t order by 1 limit $1", "query": "select * from t order by 2 limit 10", "parameters": None},
    {"target": "select $2", "query": "select 1", "parameters": None},
    {"target": "select * from t where a = $1", "query": "select * from t where a = 1; select 2", "parameters": None},
    {"target": "select pg_advisory_lock($1)", "query": "select pg_advisory_lock(1)", "parameters": None},
    {"target": "select * from t where a = $1", "query": "select * from t where a = 'unterminated", "parameters": None},
]

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "corpus.json"), "w", encoding="utf-8") as f:
    json.dump({"cases": cases, "same": same, "different": different, "matches": matches}, f, ensure_ascii=False, indent=1)
print(len(cases), "cases,", len(same), "same,", len(different), "different,", len(matches), "matches")
