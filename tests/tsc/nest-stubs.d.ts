// The NestJS packages the fixtures import, typed loosely: the fix-safety test checks what
// our fixes change (entities, services' TypeORM calls, migrations), not Nest's API.
declare module '@nestjs/common';
declare module '@nestjs/core';
declare module '@nestjs/typeorm';
declare module '@nestjs/config';
declare module '@nestjs/testing';
