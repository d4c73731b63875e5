/** Largest amount the API accepts: 99,999,999.99 in minor units. */
export const MAX_MONEY_MINOR = 9_999_999_999;

const DECIMAL_AMOUNT = /^(\d{1,8})(?:\.(\d{1,2}))?$/;
const BASIS_POINTS_PER_UNIT = 10_000n;

export class InvalidMoneyError extends Error {
  constructor(input: unknown) {
    super(`not a valid amount: ${JSON.stringify(input)}`);
    this.name = InvalidMoneyError.name;
  }
}

/**
 * An amount of the service's single currency in integer minor units (cents).
 * Every price computation goes through this type, so no float ever holds money.
 */
export class Money {
  private constructor(readonly minor: number) {}

  static readonly ZERO = new Money(0);

  static ofMinor(minor: number): Money {
    if (!Number.isSafeInteger(minor)) {
      throw new RangeError(`minor units must be a safe integer, got ${minor}`);
    }
    return new Money(minor);
  }

  /**
   * Parses API input: a decimal string ("550", "550.5", "550.50") or a JSON number with
   * at most two fraction digits, from 0 to 99,999,999.99.
   */
  static parse(input: unknown): Money {
    let text: string;
    if (typeof input === 'string') {
      text = input;
    } else if (typeof input === 'number' && Number.isFinite(input)) {
      // String() of a JSON-parsed number gives its shortest round-trip form, so 550.5
      // reads as "550.5" and 0.001 or 1e21 fall outside the pattern below.
      text = String(input);
    } else {
      throw new InvalidMoneyError(input);
    }
    const match = DECIMAL_AMOUNT.exec(text);
    if (!match) throw new InvalidMoneyError(input);
    const [, units, fraction = ''] = match;
    const minor = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
    if (minor > MAX_MONEY_MINOR) throw new InvalidMoneyError(input);
    return new Money(minor);
  }

  static tryParse(input: unknown): Money | null {
    try {
      return Money.parse(input);
    } catch {
      return null;
    }
  }

  plus(other: Money): Money {
    return Money.ofMinor(this.minor + other.minor);
  }

  minus(other: Money): Money {
    return Money.ofMinor(this.minor - other.minor);
  }

  times(quantity: number): Money {
    if (!Number.isSafeInteger(quantity)) {
      throw new RangeError(`quantity must be an integer, got ${quantity}`);
    }
    return Money.ofMinor(this.minor * quantity);
  }

  /**
   * This amount scaled by basisPoints / 10,000 (1,500 bp = 15 %), rounded half-up
   * (half away from zero) to the minor unit. BigInt keeps the product exact.
   */
  percentage(basisPoints: number): Money {
    if (!Number.isSafeInteger(basisPoints)) {
      throw new RangeError(`basis points must be an integer, got ${basisPoints}`);
    }
    const product = BigInt(this.minor) * BigInt(basisPoints);
    const negative = product < 0n;
    const magnitude = negative ? -product : product;
    const rounded = (magnitude + BASIS_POINTS_PER_UNIT / 2n) / BASIS_POINTS_PER_UNIT;
    return Money.ofMinor(Number(negative ? -rounded : rounded));
  }

  /** The larger of this amount and zero: a price never goes below 0.00. */
  clampToZero(): Money {
    return this.minor < 0 ? Money.ZERO : this;
  }

  isZero(): boolean {
    return this.minor === 0;
  }

  compare(other: Money): number {
    return Math.sign(this.minor - other.minor);
  }

  equals(other: Money): boolean {
    return this.minor === other.minor;
  }

  /** Decimal string with two fraction digits, as the API answers ("550.00", "-1.05"). */
  format(): string {
    const sign = this.minor < 0 ? '-' : '';
    const magnitude = Math.abs(this.minor);
    const units = Math.trunc(magnitude / 100);
    const cents = magnitude % 100;
    return `${sign}${units}.${cents.toString().padStart(2, '0')}`;
  }

  toJSON(): string {
    return this.format();
  }

  toString(): string {
    return this.format();
  }
}
