import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReservationDto } from '../inventory';
import { CurrentPrincipal, CustomerOnly, Principal } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import {
  ApiIdempotencyKey,
  ApiUuidParam,
  ClientAbortSignal,
  IdempotencyKey,
  NoBody,
  RouteLimits,
  UuidPipe,
} from '../shared/http';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';
import { AddCartItemDto, CartDto, CartItemDto, UpdateCartItemDto } from './dto/cart.dto';
import { REPLAYED_HEADER_DOC, replyWith } from '../shared/idempotency';

@ApiTags('cart')
@Controller('cart')
@CustomerOnly()
export class CartController {
  constructor(
    private readonly carts: CartService,
    private readonly checkouts: CheckoutService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's active cart (an empty one, id null, when there is none)" })
  @ApiOkResponse({ type: CartDto })
  getCart(@CurrentPrincipal() principal: Principal): Promise<CartDto> {
    return this.carts.getCart(principal);
  }

  @Post('items')
  @RouteLimits({ cartWrite: true })
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Add units of a variant to the cart, priced for the caller’s tier',
    description:
      'Adds to the line when the variant is already in the cart, and prices the line again. ' +
      '409 INSUFFICIENT_STOCK when the line would hold more than is available (nothing is reserved until checkout); ' +
      '409 PURCHASE_LIMIT_EXCEEDED when it would go past a purchase limit of the variant; ' +
      '404 for an unknown or deleted variant.',
  })
  @ApiCreatedResponse({ type: CartItemDto, headers: REPLAYED_HEADER_DOC })
  @ApiProblems(400, 404, 409)
  async addCartItem(
    @CurrentPrincipal() principal: Principal,
    @Body() body: AddCartItemDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CartItemDto> {
    return replyWith(reply, await this.carts.addItem(principal, body, idempotencyKey));
  }

  @Patch('items/:itemId')
  @ApiUuidParam('itemId')
  @ApiOperation({
    summary: 'Set the quantity of a line of the cart; the line is priced again',
    description:
      '409 INSUFFICIENT_STOCK when more than is available; 409 PURCHASE_LIMIT_EXCEEDED past a purchase limit; ' +
      '404 for a line not in the caller’s active cart.',
  })
  @ApiOkResponse({ type: CartItemDto })
  @ApiProblems(400, 404, 409)
  updateCartItem(
    @CurrentPrincipal() principal: Principal,
    @Param('itemId', new UuidPipe('itemId')) itemId: string,
    @Body() body: UpdateCartItemDto,
  ): Promise<CartItemDto> {
    return this.carts.updateItem(principal, itemId, body.quantity);
  }

  @Delete('items/:itemId')
  @HttpCode(204)
  @ApiUuidParam('itemId')
  @ApiOperation({ summary: 'Remove a line from the cart' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  async removeCartItem(
    @CurrentPrincipal() principal: Principal,
    @Param('itemId', new UuidPipe('itemId')) itemId: string,
  ): Promise<void> {
    await this.carts.removeItem(principal, itemId);
  }

  @Post('checkout')
  @RouteLimits({ cartWrite: true })
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Reserve every line of the cart at its price snapshot, or none',
    description:
      'The stock is held until the reservation expires (RESERVATION_TTL_SECONDS) unless it is confirmed or ' +
      'cancelled; the cart becomes CHECKED_OUT, and ACTIVE again if the reservation is cancelled or expires. ' +
      '409 INSUFFICIENT_STOCK lists every short line (the cart is left as it was); 409 CART_EMPTY for an empty cart; ' +
      '409 PURCHASE_LIMIT_EXCEEDED past a purchase limit; 409 TOO_MANY_HOLDS when the customer already holds ' +
      'MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER active reservations. ' +
      'Safe to retry without a key: when the caller has no active cart and their last checkout still holds its ' +
      'reservation, the answer is that reservation, 200 with Idempotent-Replayed: true.',
  })
  @ApiCreatedResponse({ type: ReservationDto, headers: REPLAYED_HEADER_DOC })
  @ApiOkResponse({
    type: ReservationDto,
    headers: REPLAYED_HEADER_DOC,
    description: 'A repeated checkout: the reservation the last checkout made, still held',
  })
  @ApiProblems(400, 409)
  async checkoutCart(
    @CurrentPrincipal() principal: Principal,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @NoBody() _body: undefined,
    @ClientAbortSignal() clientGone: AbortSignal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReservationDto> {
    return replyWith(reply, await this.checkouts.checkout(principal, idempotencyKey, clientGone));
  }
}
