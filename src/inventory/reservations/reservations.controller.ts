import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentPrincipal, CustomerOnly, Principal } from '../../shared/auth';
import { ApiProblems } from '../../shared/errors';
import { ApiUuidParam, NoBody, UuidPipe } from '../../shared/http';
import { ExtendReservationDto, ReservationDto } from './dto/reservation.dto';
import { ReservationsService } from './reservations.service';

@ApiTags('inventory')
@Controller('reservations')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Get(':id')
  @CustomerOnly()
  @ApiUuidParam()
  @ApiOperation({ summary: 'A reservation of the caller (any reservation for an admin)' })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblems(400, 404)
  async getReservation(
    @Param('id', new UuidPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReservationDto> {
    return ReservationDto.from(await this.reservations.get(id, principal));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @AdminOnly()
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Confirm an ACTIVE reservation: its stock is sold',
    description: '409 RESERVATION_NOT_ACTIVE unless it is ACTIVE; one past its expiry is expired instead.',
  })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblems(400, 404, 409)
  async confirmReservation(
    @Param('id', new UuidPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @NoBody() _body: undefined,
  ): Promise<ReservationDto> {
    return ReservationDto.from(await this.reservations.confirm(id, principal));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @CustomerOnly()
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Cancel an ACTIVE reservation of the caller (any, for an admin): its stock is released',
    description: '409 RESERVATION_NOT_ACTIVE unless it is ACTIVE; one past its expiry is expired instead.',
  })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblems(400, 404, 409)
  async cancelReservation(
    @Param('id', new UuidPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @NoBody() _body: undefined,
  ): Promise<ReservationDto> {
    return ReservationDto.from(await this.reservations.cancel(id, principal));
  }

  @Post(':id/extend')
  @HttpCode(200)
  @CustomerOnly()
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Hold the stock of an ACTIVE reservation of the caller (any, for an admin) longer',
    description:
      'expiresAt becomes now + seconds (default RESERVATION_TTL_SECONDS), never past maxExpiresAt (creation + ' +
      'RESERVATION_MAX_HOLD_SECONDS) and never earlier than it was. 409 HOLD_LIMIT_REACHED once at maxExpiresAt; ' +
      '409 RESERVATION_NOT_ACTIVE unless it is ACTIVE (one past its expiry is expired instead).',
  })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblems(400, 404, 409)
  async extendReservation(
    @Param('id', new UuidPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Body() body: ExtendReservationDto,
  ): Promise<ReservationDto> {
    return ReservationDto.from(await this.reservations.extend(id, body.seconds ?? undefined, principal));
  }
}
