/**
 * The Shopify webhook body, parsed without losing a digit. Shopify's ids are 64-bit integers
 * written as JSON numbers (an order id like 820982911946154508), and JSON.parse turns every
 * integer past 2^53 into the nearest double without a word (…154508 becomes …154500): the order
 * would then point at a checkout that does not exist, and the shopper who paid gets a reminder.
 *
 * lossless-json reads each number from its own text. An integer too big for a double comes
 * through as its digits, a string; every other number is exactly what JSON.parse gives, so
 * `quantity` and the like stay numbers. Only Shopify's lane parses this way (the generic
 * route's delivery.json(parse)): POST /events keeps JSON.parse, its ids being strings already.
 */
import { parse } from 'lossless-json';

const INTEGER = /^-?\d+$/;

/** A JSON number's text as a value: its digits when a double would round them, else a number. */
export function shopifyNumber(text: string): number | string {
  const value = Number(text);
  return INTEGER.test(text) && !Number.isSafeInteger(value) ? text : value;
}

/**
 * JSON text to a value, as JSON.parse would give it except for integers past 2^53 (see above).
 * A repeated key keeps its last value, as with JSON.parse (lossless-json would throw).
 */
export function parseShopifyJson(text: string): unknown {
  return parse(text, null, {
    parseNumber: shopifyNumber,
    onDuplicateKey: ({ newValue }) => newValue,
  });
}
