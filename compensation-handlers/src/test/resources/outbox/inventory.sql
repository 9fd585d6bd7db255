-- The example inventory service's own table: the business change an outbox row must commit with.
CREATE TABLE reservation (
  id VARCHAR(100) PRIMARY KEY,
  sku VARCHAR(50) NOT NULL,
  quantity INTEGER NOT NULL
);
