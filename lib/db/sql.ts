// The one SQL dialect: tagged templates whose values become $n parameters (sql-template-tag, the
// library Prisma.sql is built on), run by lib/db's pool and transactions as prepared statements.
export { default as sql, join, raw, empty, Sql } from "sql-template-tag";
